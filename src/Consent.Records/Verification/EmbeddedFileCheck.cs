using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Consent.Records.Signing;

namespace Consent.Records.Verification;

/// <summary>
/// The files a record carries (its /EmbeddedFiles name tree, ISO 32000-1, 7.7.4), read from the revision the record's
/// signature covers, and the check of the embedded event chain: each line is one event's canonical JSON, its SHA-256 is
/// the event's hash, each names the one before as its prevHash, and the last is the chain head the signed record prints.
/// </summary>
static partial class EmbeddedFileCheck
{
    const int MaxFiles = 16;

    public static List<(RecordEmbeddedFile File, byte[] Content)> Read(PadesStructure structure)
    {
        var file = structure.File;
        var found = new List<(RecordEmbeddedFile, byte[])>();
        var catalog = file.Dictionary(file.Revisions[0].RootNumber ?? -1, 0);
        var names = Resolve(file, catalog, "/Names");
        var tree = Resolve(file, names, "/EmbeddedFiles");
        if (tree?.Text("/Names") is not { } array)
        {
            return found;
        }

        foreach (Match entry in NameEntry().Matches(array).Take(MaxFiles))
        {
            var name = entry.Groups["name"].Value;
            var specification = file.Dictionary(int.Parse(entry.Groups["ref"].Value, System.Globalization.CultureInfo.InvariantCulture), 0);
            var embedded = specification?["/EF"] is { } ef ? RawDictionary.Parse(ef, 0, ef.Length, out _) : null;
            if (embedded?.Reference("/F") is not { } stream || PadesStructure.StreamData(file, stream, 0) is not { } content)
            {
                continue;
            }

            var mediaType = file.Dictionary(stream, 0)?.Name("/Subtype")?[1..].Replace("#2F", "/", StringComparison.Ordinal).Replace("#2B", "+", StringComparison.Ordinal);
            found.Add((new RecordEmbeddedFile(name, mediaType, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)),
                specification?.Name("/AFRelationship")?[1..]), content));
        }

        return found;
    }

    static RawDictionary? Resolve(PdfFile file, RawDictionary? parent, string key)
    {
        if (parent is null)
        {
            return null;
        }

        if (parent.Reference(key) is { } number)
        {
            return file.Dictionary(number, 0);
        }

        return parent[key] is { } inline ? RawDictionary.Parse(inline, 0, inline.Length, out _) : null;
    }

    /// <summary>Checks the embedded chain against the chain head the signed record names.</summary>
    public static EmbeddedChainCheck CheckChain(byte[] content, long? headSeq, string? headHash)
    {
        var lines = Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var previous = new string('0', 64);
        long seq = 0;
        foreach (var line in lines)
        {
            string? prevHash;
            long lineSeq;
            try
            {
                using var json = JsonDocument.Parse(line);
                prevHash = json.RootElement.GetProperty("prevHash").GetString();
                lineSeq = json.RootElement.GetProperty("seq").GetInt64();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return new EmbeddedChainCheck(false, lines.Length, $"event line {seq + 1} of the embedded chain is not an event's canonical JSON");
            }

            if (lineSeq != seq + 1 || prevHash != previous)
            {
                return new EmbeddedChainCheck(false, lines.Length, $"embedded event {lineSeq} does not follow the hash of event {seq}");
            }

            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line)));
            seq = lineSeq;
        }

        if (headSeq is null || headHash is null)
        {
            return new EmbeddedChainCheck(false, lines.Length, "the signed record names no chain head to compare the embedded chain with");
        }

        return seq == headSeq && previous == headHash
            ? new EmbeddedChainCheck(true, lines.Length, null)
            : new EmbeddedChainCheck(false, lines.Length, $"the embedded chain ends at event {seq} with hash {previous}, not at the chain head the record prints (event {headSeq}, {headHash})");
    }

    [GeneratedRegex(@"\((?<name>[A-Za-z0-9._-]{1,100})\)\s*(?<ref>\d{1,9})\s+0\s+R")]
    private static partial Regex NameEntry();
}
