using System.Globalization;
using System.Text;

namespace Consent.Records.Signing;

/// <summary>
/// Rewrites the signature dictionary PDFsharp 6.2.4 writes, in place and byte-for-byte the same
/// length, before the byte ranges are digested: /SubFilter /adbe.pkcs7.detached becomes
/// /ETSI.CAdES.detached (PAdES), and /M (PDFsharp writes the machine's clock) becomes the
/// record's signing time.
/// </summary>
static class SignatureDictionaryPatch
{
    internal static readonly byte[] PdfSharpSubFilter = "/SubFilter/adbe.pkcs7.detached"u8.ToArray();
    internal static readonly byte[] PadesSubFilter = "/SubFilter/ETSI.CAdES.detached"u8.ToArray();

    public static void Apply(MemoryStream output, DateTimeOffset signingTime)
    {
        var buffer = output.GetBuffer().AsSpan(0, (int)output.Length);
        var at = buffer.LastIndexOf(PdfSharpSubFilter);
        if (at < 0)
        {
            // PDFsharp changed how (or where) it writes the signature dictionary: refuse to sign
            // rather than issue a record with the wrong SubFilter. See the pinning test.
            throw new InvalidOperationException(
                "PDFsharp did not write '/SubFilter/adbe.pkcs7.detached' where expected; the PAdES patch needs review for this PDFsharp version.");
        }

        PadesSubFilter.CopyTo(buffer[at..]);

        var start = buffer[..at].LastIndexOf("obj"u8);
        var end = buffer[at..].IndexOf("endobj"u8);
        if (start < 0 || end < 0)
        {
            return;
        }

        var dictionary = buffer[start..(at + end)];
        var m = dictionary.IndexOf("/M(D:"u8);
        if (m < 0)
        {
            return;
        }

        var value = dictionary[(m + 3)..];
        var close = value.IndexOf((byte)')');
        if (close < 0)
        {
            return;
        }

        var date = PdfDate(signingTime, close);
        if (date is not null)
        {
            Encoding.ASCII.GetBytes(date).CopyTo(value);
        }
    }

    /// <summary>The signing time as a PDF date string of exactly <paramref name="length"/> characters, if one fits.</summary>
    internal static string? PdfDate(DateTimeOffset at, int length)
    {
        var utc = at.ToUniversalTime();
        var stamp = utc.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        string[] candidates = [$"D:{stamp}+00'00'", $"D:{stamp}+00'00", $"D:{stamp}Z", $"D:{stamp}Z00'00'"];
        return candidates.FirstOrDefault(c => c.Length == length);
    }
}
