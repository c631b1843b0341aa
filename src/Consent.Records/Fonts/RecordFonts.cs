using System.Reflection;
using PdfSharp.Fonts;

namespace Consent.Records.Fonts;

/// <summary>The typefaces a record is set in: Liberation Sans, embedded in this assembly.</summary>
static class RecordFonts
{
    /// <summary>The family name the layout asks PDFsharp for.</summary>
    public const string Family = "Liberation Sans";

    static readonly Lock Gate = new();
    static bool _installed;

    /// <summary>
    /// Makes PDFsharp find the embedded fonts. Safe to call from any thread, any number of times.
    /// </summary>
    /// <remarks>
    /// PDFsharp keeps one resolver per process and refuses a second once fonts are in use, so the
    /// first caller installs ours; if a host already installed a different resolver, ours is
    /// chained in front of it so both keep working.
    /// </remarks>
    public static void EnsureInstalled()
    {
        if (Volatile.Read(ref _installed))
        {
            return;
        }

        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            var existing = GlobalFontSettings.FontResolver;
            if (existing is not RecordFontResolver)
            {
                GlobalFontSettings.FontResolver = new RecordFontResolver(existing);
            }

            Volatile.Write(ref _installed, true);
        }
    }

    internal static byte[]? Load(string faceName)
    {
        using var stream = typeof(RecordFonts).Assembly.GetManifestResourceStream($"Consent.Records.Fonts.{faceName}.ttf");
        if (stream is null)
        {
            return null;
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
