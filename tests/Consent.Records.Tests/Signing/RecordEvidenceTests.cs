using System.Security.Cryptography.X509Certificates;
using System.Text;
using Consent.Records.Signing;
using Consent.Records.Tests.Infrastructure;
using Consent.Testing;

namespace Consent.Records.Tests.Signing;

/// <summary>A record signed with the development CA's certificate, given long-term evidence by a real TSA (scripts/dev-tsa.sh).</summary>
public sealed class EvidenceFixture : IDisposable
{
    internal DevTsa Tsa { get; } = new();

    public X509Certificate2Collection Chain { get; }

    public X509Certificate2 Signer { get; }

    public X509Certificate2 Ca { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public EvidenceFixture()
    {
        Chain = X509CertificateLoader.LoadPkcs12CollectionFromFile(Tsa.SigningPfxPath, null, X509KeyStorageFlags.EphemeralKeySet);
        Signer = Chain.First(c => c.HasPrivateKey);
        Ca = X509CertificateLoader.LoadCertificateFromFile(Tsa.CaPemPath);
        Issued = ConsentRecordPdf.RenderSigned(SampleRecords.Full(), new RecordSigner(Signer, RecordSigner.DefaultTimestampRoom), SignedSamples.Options);
    }

    /// <summary>The sample record signed (B-B), with room for a signature time-stamp.</summary>
    public byte[] Issued { get; }

    public RecordEvidence Evidence => new(new TimestampAuthority(Http, new Uri(Tsa.Url)), Http, [.. Chain], [Ca]);

    public RecordVerification Verify(byte[] pdf) =>
        RecordVerifier.VerifyWithAny(pdf, [Signer], new RecordTrust { TimestampRoots = [Ca], SignerRoots = [Ca] });

    public async Task<byte[]> LtaAsync()
    {
        var bt = await Evidence.TimestampSignatureAsync(Issued, CancellationToken.None);
        return (await Evidence.ExtendAsync(bt, EvidenceRenewal.Default, DateTimeOffset.UtcNow, CancellationToken.None)).Pdf;
    }

    public void Dispose()
    {
        Http.Dispose();
        Tsa.Dispose();
    }
}

/// <summary>PAdES B-T, B-LT and B-LTA (ETSI EN 319 142-1, clause 6), and what the verifier makes of updates appended after them.</summary>
public sealed class RecordEvidenceTests(EvidenceFixture fixture) : IClassFixture<EvidenceFixture>
{
    [Fact]
    public async Task TheSignatureTimestamp_GoesInPlace_AndTheSignedBytesDoNotChange()
    {
        var bt = await fixture.Evidence.TimestampSignatureAsync(fixture.Issued, CancellationToken.None);

        Assert.Equal(fixture.Issued.Length, bt.Length);
        var (start, end) = PdfEdits.SignatureValue(fixture.Issued);
        Assert.True(bt.AsSpan(0, start).SequenceEqual(fixture.Issued.AsSpan(0, start)) && bt.AsSpan(end).SequenceEqual(fixture.Issued.AsSpan(end)));
        var verification = fixture.Verify(bt);
        Assert.True(verification.IsIntact, string.Join("; ", verification.Problems));
        Assert.Equal("B-T", verification.EvidenceLevel);
        var stamp = Assert.Single(verification.Timestamps);
        Assert.True(stamp is { Kind: "signature", Valid: true, Trusted: true }, stamp.ToString());
        Assert.InRange(stamp.Time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Contains("TSA", stamp.Tsa, StringComparison.Ordinal);
        Assert.Same(bt, await fixture.Evidence.TimestampSignatureAsync(bt, CancellationToken.None)); // once only
    }

    [Fact]
    public async Task ExtendingTwice_AddsNothingTheSecondTime_AndTheLevelIsBLta()
    {
        var lta = await fixture.LtaAsync();
        var verification = fixture.Verify(lta);

        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal("B-LTA", verification.EvidenceLevel);
        Assert.Equal(2, verification.Updates); // validation data, then the archive time-stamp
        Assert.Equal(3, verification.ValidationCertificates); // the signer, the CA, the TSA
        Assert.Equal(1, verification.ValidationCrls); // the CA's, which covers both
        var again = await fixture.Evidence.ExtendAsync(lta, EvidenceRenewal.Default, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.False(again.Changed);
        Assert.Same(lta, again.Pdf);
        var qpdf = ExternalTool.Run("qpdf", "--check", ExternalTool.TempFile(lta));
        Assert.True(qpdf.ExitCode == 0 && !qpdf.All.Contains("WARNING", StringComparison.Ordinal), qpdf.All);
    }

    [Fact]
    public async Task ARecordStoredAsBB_IsUpgradedByAppending_SoTheIssuedFileStaysAPrefix()
    {
        var upgraded = await fixture.Evidence.ExtendAsync(fixture.Issued, EvidenceRenewal.Default, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True(upgraded.Pdf.AsSpan(0, fixture.Issued.Length).SequenceEqual(fixture.Issued));
        var verification = fixture.Verify(upgraded.Pdf);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal("B-LTA", verification.EvidenceLevel);
        Assert.Equal(["document", "document"], verification.Timestamps.Select(t => t.Kind));
        var first = PdfTimestamps.DocumentTimestamps(upgraded.Pdf)[0];
        var openssl = PdfTimestamps.OpensslVerify(first.Token, first.Imprint, fixture.Tsa.CaPemPath, fixture.Tsa.TsaCertPath);
        Assert.True(openssl.All.Contains("Verification: OK", StringComparison.Ordinal), openssl.All);
    }

    [Fact]
    public async Task ADeprecatedDigest_GetsANewArchiveTimestamp_OverFreshValidationData()
    {
        var lta = await fixture.LtaAsync();
        var sha256Deprecated = new EvidenceRenewal(TimeSpan.FromDays(1), new HashSet<string> { "2.16.840.1.101.3.4.2.1" });

        var renewed = await fixture.Evidence.ExtendAsync(lta, sha256Deprecated, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Contains(renewed.Added, a => a.Contains("renewed", StringComparison.Ordinal));
        var verification = fixture.Verify(renewed.Pdf);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(3, verification.Timestamps.Count);
        Assert.Equal("B-LTA", verification.EvidenceLevel);
        // A TSA certificate expiring within the renewal window renews too; one expiring later does not.
        Assert.True((await fixture.Evidence.ExtendAsync(lta, new EvidenceRenewal(TimeSpan.FromDays(20 * 365), new HashSet<string>()), DateTimeOffset.UtcNow, CancellationToken.None)).Changed);
        Assert.False((await fixture.Evidence.ExtendAsync(lta, new EvidenceRenewal(TimeSpan.FromDays(30), new HashSet<string>()), DateTimeOffset.UtcNow, CancellationToken.None)).Changed);
    }

    [Fact]
    public async Task AnUpdateAfterTheArchiveTimestamp_ThatRedefinesTheDocumentInformation_IsAChangeAfterSigning()
    {
        var lta = await fixture.LtaAsync();
        var edited = PdfEdits.AppendInfoUpdate(lta, "/ConsentSessionId(00000000-0000-0000-0000-000000000001)");

        var verification = fixture.Verify(edited);

        Assert.False(verification.IsValid);
        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("changed after it was signed", StringComparison.Ordinal));
        Assert.Equal(SampleRecords.SessionId, verification.SessionId); // read from the signed part only
    }

    [Fact]
    public async Task AnUpdateThatRedrawsAPage_IsAChangeAfterSigning_EvenWithAnArchiveTimestampOverIt()
    {
        var lta = await fixture.LtaAsync();
        var structure = PadesStructure.Read(lta);
        var page = structure.LastPage();
        var update = new IncrementalUpdate(structure.File);
        var content = update.Allocate();
        update.SetStream(content, new RawDictionary(), "BT /F1 24 Tf 72 400 Td (Patient declined) Tj ET"u8);
        update.Set(page, structure.File.Dictionary(page)!.With("/Contents", $"{content} 0 R").Write());
        var redrawn = update.Apply();
        // An archive time-stamp over the change does not make it evidence.
        var stamped = (await fixture.Evidence.ExtendAsync(redrawn, EvidenceRenewal.Default, DateTimeOffset.UtcNow, CancellationToken.None)).Pdf;

        foreach (var file in new[] { redrawn, stamped })
        {
            var verification = fixture.Verify(file);
            Assert.False(verification.IsIntact);
            Assert.Contains(verification.Problems, p => p.Contains($"changes page object {page}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AnUpdateListingAPageTwice_AShadowOnlyReadersShow_IsNotVouchedFor()
    {
        var lta = await fixture.LtaAsync();
        var structure = PadesStructure.Read(lta);
        var page = structure.LastPage();
        var original = structure.File.Dictionary(page)!;
        // The first entry (what qpdf and Poppler display) turns the page; the second is an exact copy of the signed one.
        var shadowed = PdfEdits.AppendShadowedObject(lta, page, original.With("/Rotate", "180").Write(), original.Write());
        Assert.Contains("/Rotate 180", ExternalTool.Run("qpdf", "--show-object=" + page, ExternalTool.TempFile(shadowed)).Output, StringComparison.Ordinal);

        var verification = fixture.Verify(shadowed);

        Assert.False(verification.IsValid);
        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains($"lists object {page} more than once", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 2000)] // one small stream listed 2,000 times
    [InlineData(40, 1)] // 40 streams of 1 MiB each, 1 KiB compressed
    public async Task ValidationDataThatDecodesToTooMuch_IsRefusedBeforeItIsHeld(int streams, int listedEach)
    {
        var lta = await fixture.LtaAsync();
        var structure = PadesStructure.Read(lta);
        var update = new IncrementalUpdate(structure.File);
        using var packed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[1024 * 1024]);
        }

        var numbers = new List<int>();
        for (var n = 0; n < streams; n++)
        {
            var number = update.Allocate();
            update.SetStream(number, new RawDictionary().With("/Filter", "/FlateDecode"), packed.ToArray());
            numbers.AddRange(Enumerable.Repeat(number, listedEach));
        }

        var dss = update.Allocate();
        update.Set(dss, $"<</Type /DSS /Certs [{string.Join(' ', numbers.Select(n => $"{n} 0 R"))}]>>");
        update.Set(structure.CatalogNumber, structure.Catalog.With("/DSS", $"{dss} 0 R").Write());
        var bomb = update.Apply();
        Assert.True(bomb.Length < lta.Length + 64 * 1024);

        Assert.Throws<FormatException>(() => PadesStructure.Read(bomb));
        var verification = fixture.Verify(bomb);
        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("The validation data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABytesChangedUnderTheArchiveTimestamp_FailsIt()
    {
        var lta = await fixture.LtaAsync();
        var tampered = (byte[])lta.Clone();
        // A byte inside the validation data update (covered by the archive time-stamp, not by the record's signature).
        var dss = Encoding.Latin1.GetString(lta).IndexOf("/Type /DSS", fixture.Issued.Length, StringComparison.Ordinal);
        Assert.True(dss > 0);
        tampered[dss + 7] = (byte)'X';

        var verification = fixture.Verify(tampered);

        Assert.Contains(verification.Problems, p => p.Contains("does not verify over what it covers", StringComparison.Ordinal));
        Assert.NotEqual("B-LTA", verification.EvidenceLevel);
    }

    [Fact]
    public async Task BytesAppendedAfterTheLastUpdate_AreAChangeAfterSigning()
    {
        var lta = await fixture.LtaAsync();
        var appended = (byte[])[.. lta, .. "% hidden note\n"u8];

        var verification = fixture.Verify(appended);

        Assert.False(verification.IsIntact);
        Assert.Equal(14, verification.UnsignedBytes);
        Assert.Contains(verification.Problems, p => p.Contains("14 bytes were appended after its end", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHostileUpdate_NestingDictionariesDeeply_IsReportedNotFollowed()
    {
        var lta = await fixture.LtaAsync();
        var structure = PadesStructure.Read(lta);
        var update = new IncrementalUpdate(structure.File);
        update.Set(structure.CatalogNumber, "<</Type/Catalog/X " + string.Concat(Enumerable.Repeat("<</A ", 200_000)) + "1" + string.Concat(Enumerable.Repeat(">>", 200_000)) + ">>");
        var hostile = update.Apply();

        var verification = fixture.Verify(hostile);

        Assert.False(verification.IsIntact);
        Assert.NotEmpty(verification.Problems);
    }

    [Fact]
    public async Task AnUpdateAddingAVisibleAnnotationToAPage_IsAChangeAfterSigning()
    {
        var lta = await fixture.LtaAsync();
        var structure = PadesStructure.Read(lta);
        var page = structure.LastPage();
        var update = new IncrementalUpdate(structure.File);
        var stamp = update.Allocate();
        update.Set(stamp, "<</Type/Annot/Subtype/Stamp/Rect[0 0 612 792]/Contents(PATIENT DECLINED)>>");
        var dictionary = structure.File.Dictionary(page)!;
        update.Set(page, dictionary.With("/Annots", "[" + string.Join(' ', (dictionary.References("/Annots") ?? []).Select(n => $"{n} 0 R")) + $" {stamp} 0 R]").Write());

        var verification = fixture.Verify(update.Apply());

        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("adds an annotation to a page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpdateLoweringTheObjectCount_SoALaterOneCanRewriteAnything_IsAChangeAfterSigning()
    {
        var lta = await fixture.LtaAsync();
        var empty = new IncrementalUpdate(PadesStructure.Read(lta).File).Apply();
        var text = Encoding.Latin1.GetString(empty);
        var size = text.LastIndexOf("/Size ", StringComparison.Ordinal);
        var lowered = Encoding.Latin1.GetBytes(text[..size] + "/Size 0" + text[text.IndexOf(' ', size + 6)..]);
        var structure = PadesStructure.Read(lowered);
        var rewrite = new IncrementalUpdate(structure.File);
        var page = structure.LastPage();
        rewrite.Set(page, structure.File.Dictionary(page)!.With("/Rotate", "90").Write());

        var verification = fixture.Verify(rewrite.Apply());

        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("lowers the document's object count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpdateWhosePrevPointsElsewhere_IsAChangeAfterSigning()
    {
        var lta = await fixture.LtaAsync();
        var structure = PadesStructure.Read(lta);
        var previousXref = structure.File.Last.XrefOffset;
        var text = Encoding.Latin1.GetString(new IncrementalUpdate(structure.File).Apply());
        var prev = text.LastIndexOf("/Prev " + previousXref, StringComparison.Ordinal);
        var elsewhere = Encoding.Latin1.GetBytes(text[..prev] + "/Prev " + (previousXref - 1) + text[(prev + 6 + previousXref.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)..]);

        var verification = fixture.Verify(elsewhere);

        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("does not follow the previous update's cross-reference", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpdateDefiningAnObjectAtItsOwnObjectCount_IsAChangeAfterSigning()
    {
        // The first step of a second-round outside attack: an update whose new field's number equals the /Size its trailer
        // declares, so that a later update could redefine that field (as a full-page stamp) as if it were new.
        var lta = await fixture.LtaAsync();
        var update = new IncrementalUpdate(PadesStructure.Read(lta).File);
        var added = update.Allocate();
        update.Set(added, "<</Type/Annot/Subtype/Widget/FT/Sig/Rect[0 0 0 0]>>");
        var text = Encoding.Latin1.GetString(update.Apply());
        var size = text.LastIndexOf($"/Size {added + 1}", StringComparison.Ordinal);
        var understated = Encoding.Latin1.GetBytes(text[..size] + $"/Size {added}" + text[(size + $"/Size {added + 1}".Length)..]);

        var verification = fixture.Verify(understated);

        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("defines objects beyond the object count it declares", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpdateWithAHybridCrossReferenceStream_IsAChangeAfterSigning()
    {
        var lta = await fixture.LtaAsync();
        var text = Encoding.Latin1.GetString(new IncrementalUpdate(PadesStructure.Read(lta).File).Apply());
        var trailer = text.LastIndexOf("<<", text.LastIndexOf("startxref", StringComparison.Ordinal), StringComparison.Ordinal);
        var hybrid = Encoding.Latin1.GetBytes(text[..(trailer + 2)] + "/XRefStm 1 " + text[(trailer + 2)..]);

        var verification = fixture.Verify(hybrid);

        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("uses a cross-reference stream", StringComparison.Ordinal));
    }
}
