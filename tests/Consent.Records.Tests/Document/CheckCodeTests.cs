using System.Globalization;
using System.Text;
using Consent.Records.Layout;
using Consent.Records.Tests.Infrastructure;
using QRCoder;

namespace Consent.Records.Tests.Document;

/// <summary>
/// The verification QR code on the first page: it encodes the service's public check page and nothing
/// else, the address is printed beside it in the record's language, and the drawn code is the one
/// QRCoder makes for that address, module for module, in the rendered pixels.
/// </summary>
public sealed class CheckCodeTests
{
    [Theory]
    [InlineData("en", "Check this record")]
    [InlineData("es", "Compruebe este registro")]
    public void The_first_page_says_where_to_check_the_record_in_its_language(string language, string heading)
    {
        var path = ExternalTool.TempFile(SignedSamples.Pdf(language));
        var first = Collapse(ExternalTool.Run("pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", path, "-").Output);

        Assert.Contains(heading, first, StringComparison.Ordinal);
        Assert.Contains(SignedSamples.CheckUrl, first, StringComparison.Ordinal);
        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", path).All, StringComparison.Ordinal);
        var check = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(check.ExitCode == 0 && !check.All.Contains("WARNING", StringComparison.Ordinal), check.All);
    }

    [Fact]
    public void The_code_holds_only_the_check_address_not_the_session()
    {
        var code = Assert.Single(FirstPageCodes(SampleRecords.Full("en"), SignedSamples.Options));
        Assert.Equal(Matrix(SignedSamples.CheckUrl), Rows(code.Modules));
        var session = SampleRecords.SessionId.ToString();
        Assert.DoesNotContain(session, SignedSamples.CheckUrl, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Without_a_check_address_no_code_is_drawn()
    {
        Assert.Empty(FirstPageCodes(SampleRecords.Full("en"), RecordRenderOptions.Default));
    }

    /// <summary>No QR decoder is installed here, so the rendered page is read back instead: every module's centre is dark exactly where QRCoder's matrix is.</summary>
    [Fact]
    public void The_rendered_pixels_are_the_code_of_the_check_address()
    {
        const int dpi = 288;
        var code = Assert.Single(FirstPageCodes(SampleRecords.Full("en"), SignedSamples.Options));
        var path = ExternalTool.TempFile(SignedSamples.Pdf("en"));
        var prefix = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
        var render = ExternalTool.Run("pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-gray", "-r", dpi.ToString(CultureInfo.InvariantCulture), path, prefix);
        Assert.Equal(0, render.ExitCode);
        var (width, pixels) = ReadPgm(prefix + ".pgm");

        var scale = dpi / 72.0;
        var expected = Matrix(SignedSamples.CheckUrl);
        var mismatches = 0;
        for (var row = 0; row < expected.Count; row++)
        {
            for (var column = 0; column < expected.Count; column++)
            {
                var x = (int)((code.X + ((column + 0.5) * code.Module)) * scale);
                var y = (int)((code.Y + ((row + 0.5) * code.Module)) * scale);
                var dark = pixels[(y * width) + x] < 128;
                mismatches += dark == expected[row][column] ? 0 : 1;
            }
        }

        Assert.Equal(0, mismatches);
        Assert.Contains(expected, r => r.Contains(true));
    }

    static List<QrModulesOp> FirstPageCodes(ConsentRecord record, RecordRenderOptions options) =>
        [.. ConsentRecordPdf.Pages(record, options)[0].Ops.OfType<QrModulesOp>()];

    static List<List<bool>> Matrix(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return [.. data.ModuleMatrix.Select(row => row.Cast<bool>().ToList())];
    }

    static List<List<bool>> Rows(IReadOnlyList<IReadOnlyList<bool>> modules) => [.. modules.Select(r => r.ToList())];

    static string Collapse(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t', '\f'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A binary (P5) 8-bit PGM as pdftoppm -gray writes it.</summary>
    static (int Width, byte[] Pixels) ReadPgm(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var fields = new List<string>();
        var at = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            var start = at;
            while (!char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            fields.Add(Encoding.ASCII.GetString(bytes, start, at - start));
        }

        Assert.Equal("P5", fields[0]);
        var width = int.Parse(fields[1], CultureInfo.InvariantCulture);
        var height = int.Parse(fields[2], CultureInfo.InvariantCulture);
        return (width, bytes[(at + 1)..(at + 1 + (width * height))]);
    }
}
