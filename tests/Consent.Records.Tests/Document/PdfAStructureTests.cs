using System.Text;
using System.Text.RegularExpressions;
using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Document;

/// <summary>
/// The PDF/A-3b structure every record carries (not a claim of conformance: no independent validator checks it here): one
/// uncompressed XMP packet naming part 3, conformance B, the title and language, with producer and dates as in the Info
/// dictionary; an sRGB output intent with an embedded ICC profile; every font embedded.
/// </summary>
public sealed class PdfAStructureTests
{
    public static TheoryData<string> Languages => ["en", "es"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void The_file_has_one_xmp_packet_with_pdfa_identification_title_language_producer_and_dates(string language)
    {
        var bytes = SignedSamples.Pdf(language);
        var raw = Encoding.Latin1.GetString(bytes);
        Assert.Equal(1, Regex.Count(raw, Regex.Escape("<?xpacket begin=")));

        var pdf = QpdfObjects.Read(bytes);
        var metadata = pdf.Catalog.GetProperty("/Metadata").GetString()!;
        Assert.Equal("/Metadata", pdf.Object(metadata).GetProperty("/Type").GetString());
        Assert.False(pdf.Object(metadata).TryGetProperty("/Filter", out _), "the XMP stream is compressed");
        var xmp = Encoding.UTF8.GetString(pdf.StreamData(metadata));
        Assert.Contains("<pdfaid:part>3</pdfaid:part>", xmp, StringComparison.Ordinal);
        Assert.Contains("<pdfaid:conformance>B</pdfaid:conformance>", xmp, StringComparison.Ordinal);
        Assert.Contains($"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>", xmp, StringComparison.Ordinal);
        Assert.DoesNotContain("  </", xmp.Split("<?xpacket end")[0].Trim(), StringComparison.Ordinal);

        var info = ExternalTool.Run("pdfinfo", "-isodates", ExternalTool.TempFile(bytes)).Output;
        string Info(string key) => Regex.Match(info, $@"^{key}:\s+(.*)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        Assert.Contains($"<rdf:li xml:lang=\"x-default\">{Info("Title")}</rdf:li>", xmp, StringComparison.Ordinal);
        Assert.Contains($"<pdf:Producer>{Info("Producer")}</pdf:Producer>", xmp, StringComparison.Ordinal);
        Assert.Contains($"<xmp:CreatorTool>{Info("Creator")}</xmp:CreatorTool>", xmp, StringComparison.Ordinal);
        var issued = SampleRecords.Full(language).IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(issued, Info("CreationDate"));
        Assert.Equal(issued, Info("ModDate"));
        Assert.Contains($"<xmp:CreateDate>{issued}</xmp:CreateDate>", xmp, StringComparison.Ordinal);
        Assert.Contains($"<xmp:ModifyDate>{issued}</xmp:ModifyDate>", xmp, StringComparison.Ordinal);
    }

    [Fact]
    public void The_unsigned_record_has_the_same_xmp_identification()
    {
        var bytes = ConsentRecordPdf.Render(SampleRecords.Full("en"), SignedSamples.Options);
        var raw = Encoding.Latin1.GetString(bytes);
        Assert.Equal(1, Regex.Count(raw, Regex.Escape("<?xpacket begin=")));
        Assert.Contains("<pdfaid:part>3</pdfaid:part>", raw, StringComparison.Ordinal);
        Assert.Contains("<pdfaid:conformance>B</pdfaid:conformance>", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_signed_twice_is_the_same_bytes_apart_from_the_signature_value()
    {
        var record = SampleRecords.SpanishForEnglishClinic();
        var signer = new RecordSigner(Certificates.Ecdsa);
        var first = ConsentRecordPdf.RenderSigned(record, signer, SignedSamples.Options);
        var second = ConsentRecordPdf.RenderSigned(record, signer, SignedSamples.Options);
        Assert.Equal(first.Length, second.Length);
        var contents = first.AsSpan().IndexOf("/Contents<"u8) + "/Contents<".Length;
        var length = first.AsSpan(contents).IndexOf((byte)'>');
        Assert.True(contents > 10 && length > 0);
        Assert.Equal(first[..contents], second[..contents]);
        Assert.Equal(first[(contents + length)..], second[(contents + length)..]);
    }

    [Fact]
    public void The_output_intent_embeds_an_srgb_icc_profile_with_three_components()
    {
        var pdf = QpdfObjects.Read(SignedSamples.Pdf("en"));
        var intents = pdf.Get(pdf.Catalog, "/OutputIntents")!.Value;
        var intent = pdf.Resolve(Assert.Single(intents.EnumerateArray()));
        Assert.Equal("/GTS_PDFA1", intent.GetProperty("/S").GetString());
        Assert.Equal("/OutputIntent", intent.GetProperty("/Type").GetString());
        Assert.False(string.IsNullOrEmpty(QpdfObjects.Text(intent.GetProperty("/OutputConditionIdentifier"))));
        var profile = intent.GetProperty("/DestOutputProfile").GetString()!;
        Assert.Equal(3, pdf.Object(profile).GetProperty("/N").GetInt32());
        var icc = pdf.StreamData(profile);
        Assert.Equal("acsp", Encoding.ASCII.GetString(icc, 36, 4));
        Assert.Equal("RGB ", Encoding.ASCII.GetString(icc, 16, 4));
    }

    [Fact]
    public void Every_font_is_embedded()
    {
        var fonts = ExternalTool.Run("pdffonts", ExternalTool.TempFile(SignedSamples.Pdf("en"))).Output.Split('\n').Skip(2).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(fonts);
        Assert.All(fonts, line => Assert.Matches(@"\byes\s+yes\s+yes\b", line));
    }
}
