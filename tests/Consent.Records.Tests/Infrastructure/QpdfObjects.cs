using System.Text;
using System.Text.Json;

namespace Consent.Records.Tests.Infrastructure;

/// <summary>
/// A PDF's objects as qpdf 11 reads them (<c>qpdf --json=2 --json-key=qpdf</c>, streams decoded and inline), so tests
/// look at the catalog, the structure tree and content streams through a third-party parser rather than our own.
/// </summary>
sealed class QpdfObjects
{
    readonly JsonElement _objects;

    QpdfObjects(JsonElement objects, string trailerRoot)
    {
        _objects = objects;
        Catalog = Object(trailerRoot);
    }

    public JsonElement Catalog { get; }

    public static QpdfObjects Read(byte[] pdf)
    {
        var path = ExternalTool.TempFile(pdf);
        var result = ExternalTool.Run("qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline", "--decode-level=generalized", path);
        if (result.ExitCode is not (0 or 3))
        {
            throw new InvalidOperationException(result.All);
        }

        var json = JsonDocument.Parse(result.Output).RootElement;
        var objects = json.GetProperty("qpdf")[1];
        var root = objects.GetProperty("trailer").GetProperty("value").GetProperty("/Root").GetString()!;
        return new QpdfObjects(objects, root);
    }

    /// <summary>The dictionary of an indirect object ("12 0 R"); a stream's dictionary for a stream.</summary>
    public JsonElement Object(string reference)
    {
        var entry = _objects.GetProperty("obj:" + reference);
        return entry.TryGetProperty("value", out var value) ? value : entry.GetProperty("stream").GetProperty("dict");
    }

    /// <summary>A stream's decoded bytes.</summary>
    public byte[] StreamData(string reference) =>
        Convert.FromBase64String(_objects.GetProperty("obj:" + reference).GetProperty("stream").GetProperty("data").GetString()!);

    /// <summary>The value, following it when it is a reference.</summary>
    public JsonElement Resolve(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } s && s.EndsWith(" R", StringComparison.Ordinal) ? Object(s) : value;

    public JsonElement? Get(JsonElement dictionary, string key) =>
        dictionary.ValueKind == JsonValueKind.Object && dictionary.TryGetProperty(key, out var value) ? Resolve(value) : null;

    /// <summary>A PDF text string as qpdf writes it ("u:text").</summary>
    public static string? Text(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } v && v.GetString() is { } s ? (s.StartsWith("u:", StringComparison.Ordinal) ? s[2..] : s) : null;

    /// <summary>One element of the structure tree: its role, /Lang, /Alt, and its kids that are elements.</summary>
    public sealed record Element(string Role, string? Lang, string? Alt, IReadOnlyList<Element> Kids, IReadOnlyList<string?> Pages)
    {
        public IEnumerable<Element> DescendantsAndSelf() => Kids.SelectMany(k => k.DescendantsAndSelf()).Prepend(this);
    }

    /// <summary>The structure tree from /StructTreeRoot, in its order.</summary>
    public Element StructureTree()
    {
        var root = Get(Catalog, "/StructTreeRoot") ?? throw new InvalidOperationException("no /StructTreeRoot");
        return Build(root, "StructTreeRoot", 0);
    }

    Element Build(JsonElement element, string role, int depth)
    {
        if (depth > 64)
        {
            throw new InvalidOperationException("structure tree too deep");
        }

        var kids = new List<Element>();
        var pages = new List<string?>();
        if (element.TryGetProperty("/K", out var k))
        {
            var items = k.ValueKind == JsonValueKind.Array ? k.EnumerateArray().ToList() : [k];
            foreach (var item in items)
            {
                var kid = Resolve(item);
                if (kid.ValueKind == JsonValueKind.Object && kid.TryGetProperty("/S", out var s))
                {
                    kids.Add(Build(kid, s.GetString()!.TrimStart('/'), depth + 1));
                }
                else if (kid.ValueKind == JsonValueKind.Number || (kid.ValueKind == JsonValueKind.Object && kid.TryGetProperty("/MCID", out _)))
                {
                    pages.Add(kid.ValueKind == JsonValueKind.Object && kid.TryGetProperty("/Pg", out var pg) ? pg.GetString() : element.TryGetProperty("/Pg", out var own) ? own.GetString() : null);
                }
            }
        }

        return new Element(role, Text(Get(element, "/Lang")), Text(Get(element, "/Alt")), kids, pages);
    }

    /// <summary>The page objects in order ("12 0 R").</summary>
    public IReadOnlyList<string> Pages()
    {
        var list = new List<string>();
        void Walk(JsonElement node)
        {
            foreach (var kid in node.GetProperty("/Kids").EnumerateArray())
            {
                var reference = kid.GetString()!;
                var dictionary = Object(reference);
                if (Text(dictionary.TryGetProperty("/Type", out var type) ? type : null) == "/Pages")
                {
                    Walk(dictionary);
                }
                else
                {
                    list.Add(reference);
                }
            }
        }

        Walk(Get(Catalog, "/Pages")!.Value);
        return list;
    }

    /// <summary>A page's content, all its content streams joined, as text.</summary>
    public string PageContent(string page)
    {
        var contents = Object(page).GetProperty("/Contents");
        var streams = contents.ValueKind == JsonValueKind.Array ? contents.EnumerateArray().Select(c => c.GetString()!).ToList() : [contents.GetString()!];
        return string.Join("\n", streams.Select(s => Encoding.Latin1.GetString(StreamData(s))));
    }
}
