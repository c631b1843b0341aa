using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Consent.Records.Fonts;

/// <summary>Serves Liberation Sans from the assembly; any other family goes to the resolver installed before ours.</summary>
sealed class RecordFontResolver(IFontResolver? next) : IFontResolver
{
    readonly ConcurrentDictionary<string, byte[]?> _faces = new(StringComparer.Ordinal);

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        if (!string.Equals(familyName, RecordFonts.Family, StringComparison.OrdinalIgnoreCase))
        {
            return next?.ResolveTypeface(familyName, bold, italic);
        }

        var face = (bold, italic) switch
        {
            (true, true) => "LiberationSans-BoldItalic",
            (true, false) => "LiberationSans-Bold",
            (false, true) => "LiberationSans-Italic",
            (false, false) => "LiberationSans-Regular",
        };
        return new FontResolverInfo(face);
    }

    public byte[]? GetFont(string faceName) =>
        faceName.StartsWith("LiberationSans-", StringComparison.Ordinal)
            ? _faces.GetOrAdd(faceName, RecordFonts.Load)
            : next?.GetFont(faceName);
}
