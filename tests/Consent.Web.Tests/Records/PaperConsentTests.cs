using System.IO.Compression;
using Hl7.Fhir.Serialization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Records.Tests.Infrastructure;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Records;

/// <summary>
/// The paper path (eIC Q&amp;A 1): a clinician uploads the scan of the paper form the patient signed in front of them and
/// attests it by signature. The scan is stored with its SHA-256, chained as an event, the session is Completed on paper,
/// the consent gate counts it, and the signed record wraps the scan's pages after a cover page. A scan that is not a PDF or
/// image, claims to be another type, will not open, or is over 20 MB is a 4xx problem that changes nothing.
/// </summary>
public sealed class PaperConsentTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    /// <summary>
    /// Today in the clinic's time zone (RecordsWebFactory sets America/New_York), read once per test: the service refuses a
    /// signing date after the clinic's today, and between midnight UTC and midnight in New York the UTC date is tomorrow there.
    /// </summary>
    private readonly string Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("America/New_York")).DateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task AScannedPdfForm_CompletesTheConsentOnPaper_AndTheSignedRecordWrapsItsPages()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-PAPER-1");
        var scan = PdfForm("PAPER FORM PAGE ONE", "PAPER FORM PAGE TWO SIGNED IN INK");

        var recorded = await UploadAsync(driver.Clinician, session.Id, scan, "application/pdf", "signed-form.pdf", Today, ConsentWebFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);

        var detail = await driver.SessionAsync(session.Id);
        Assert.Equal("Completed", detail["status"]!.GetValue<string>());
        var paper = detail["paper"]!;
        Assert.Equal(RecordSessions.Sha256(scan), paper["scanSha256"]!.GetValue<string>());
        Assert.Equal("application/pdf", paper["contentType"]!.GetValue<string>());
        Assert.Equal(2, paper["pages"]!.GetValue<int>());
        Assert.Equal($"The patient signed this paper form, version {detail["workflowVersion"]}, in my presence on {Today}.", paper["attestation"]!.GetValue<string>());

        // On the chain, by its SHA-256; the chain verifies.
        var events = await driver.EventsAsync(session.Id);
        Assert.True(events["verified"]!.GetValue<bool>());
        var chained = events["events"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "PaperConsentRecorded")!;
        Assert.Equal(RecordSessions.Sha256(scan), chained["payload"]!["scanSha256"]!.GetValue<string>());

        // The signed record: a cover page stating it all, then the scan's own pages, under the service's signature.
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        using var anonymous = factory.CreateClient();
        using var certificate = X509Certificate2.CreateFromPem(await anonymous.GetStringAsync("/api/v1/records/certificate"));
        var verification = RecordVerifier.Verify(pdf, certificate);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        var text = RecordSessions.Text(pdf);
        Assert.Contains("Consent given (paper)", text, StringComparison.Ordinal);
        Assert.Contains("Signed paper form", text, StringComparison.Ordinal);
        Assert.Contains($"The patient signed this paper form, version {detail["workflowVersion"]}, in my presence on {Today}.", text, StringComparison.Ordinal);
        Assert.Contains(RecordSessions.Sha256(scan), text, StringComparison.Ordinal);
        Assert.Contains("PAPER FORM PAGE ONE", text, StringComparison.Ordinal);
        Assert.Contains("PAPER FORM PAGE TWO SIGNED IN INK", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("Signed paper form", StringComparison.Ordinal) < text.IndexOf("PAPER FORM PAGE ONE", StringComparison.Ordinal));
        var qpdf = ExternalTool.Run("qpdf", "--check", ExternalTool.TempFile(pdf));
        Assert.True(qpdf.ExitCode == 0, qpdf.All);

        // FHIR: an active Consent carrying the signed record, the patient as performer, and the clinician's attestation as
        // the one electronic signature, typed as the verification signature (ASTM E1762 1.2.840.10065.1.12.1.5).
        var response = await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/fhir");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = new FhirJsonDeserializer().Deserialize<Hl7.Fhir.Model.Bundle>(await response.Content.ReadAsStringAsync());
        var errors = Consent.Records.Tests.Fhir.FhirValidation.Errors(bundle);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var fhirConsent = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Consent>().Single();
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, fhirConsent.Status);
        Assert.Equal(pdf, Assert.IsType<Hl7.Fhir.Model.Attachment>(fhirConsent.Source).Data);
        var performer = Assert.Single(fhirConsent.Performer).Reference;
        Assert.IsType<Hl7.Fhir.Model.Patient>(bundle.Entry.Single(e => e.FullUrl == performer).Resource);
        var signature = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Provenance>().Single().Signature);
        Assert.Equal("1.2.840.10065.1.12.1.5", Assert.Single(signature.Type).Code);

        // The consent status logic counts it like any other consent.
        var patientId = detail["patientId"]!.GetValue<string>();
        var gate = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;
        Assert.Equal("valid", gate["consent"]!["status"]!.GetValue<string>());

        // Done once: a second upload is a conflict.
        var again = await UploadAsync(driver.Clinician, session.Id, scan, "application/pdf", "signed-form.pdf", Today, ConsentWebFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AScannedImage_IsOnePageOfTheRecord()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-PAPER-2");
        var png = Png(60, 80);
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(driver.Clinician, session.Id, png, "image/png", "form.png", Today, ConsentWebFactory.DemoPassword)).StatusCode);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var info = ExternalTool.Run("pdfinfo", ExternalTool.TempFile(pdf));
        var pages = int.Parse(info.Output.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal))[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var images = ExternalTool.Run("pdfimages", "-list", ExternalTool.TempFile(pdf));
        Assert.Contains("60    80", images.Output, StringComparison.Ordinal);
        Assert.True(pages >= 2, info.Output);
    }

    [Fact]
    public async Task BadScansAndBadAttestations_Are4xxProblems_AndChangeNothing()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-PAPER-3");
        var pdf = PdfForm("A FORM");
        var cases = new (byte[] Scan, string Type, string Name, string Date, string? Password, HttpStatusCode Status, string Field)[]
        {
            ("just some text, not a scan"u8.ToArray(), "application/pdf", "form.pdf", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            (Png(10, 10), "application/pdf", "form.pdf", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            (pdf, "image/png", "form.png", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            ("%PDF-1.7 but nothing after it"u8.ToArray(), "application/pdf", "form.pdf", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0], "image/jpeg", "form.jpg", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            (PngDeclaring(40_000, 40_000), "image/png", "bomb.png", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            (PdfForm(["BOMB"], "", Packed(new byte[PaperScans.MaxUnpackedBytes + 1])), "application/pdf", "bomb.pdf", Today, ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "scan"),
            (pdf, "application/pdf", "form.pdf", "2999-01-01", ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, ""),
            (pdf, "application/pdf", "form.pdf", "yesterday", ConsentWebFactory.DemoPassword, HttpStatusCode.BadRequest, "signedOn"),
            (pdf, "application/pdf", "form.pdf", Today, "not the password at all", HttpStatusCode.BadRequest, "password"),
            (pdf, "application/pdf", "form.pdf", Today, null, HttpStatusCode.BadRequest, "password"),
        };
        foreach (var (scan, type, name, date, password, status, field) in cases)
        {
            var answer = await UploadAsync(driver.Clinician, session.Id, scan, type, name, date, password);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == status, $"{name} {type} {date}: {(int)answer.StatusCode} {body}");
            Assert.Contains("application/problem+json", answer.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
            if (field.Length > 0)
            {
                Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
            }
        }

        var tooLarge = new byte[PaperScans.MaxBytes + 1];
        "%PDF-1.7\n"u8.CopyTo(tooLarge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge,
            (await UploadAsync(driver.Clinician, session.Id, tooLarge, "application/pdf", "huge.pdf", Today, ConsentWebFactory.DemoPassword)).StatusCode);
        using (var json = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await driver.Clinician.PostAsync($"/api/v1/sessions/{session.Id}/paper", json)).StatusCode);
        }

        // Nothing changed: the session is as started, nothing stored, nothing chained.
        Assert.Equal("Invited", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
        await using var db = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM paper_scans WHERE session_id = @s", db);
        count.Parameters.AddWithValue("s", session.Id);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);

        // A session someone already signed online is countersigned, not completed on paper.
        var signed = await driver.StartAsync(mrn: "MRN-PAPER-4");
        var patient = await driver.VerifyAsync(signed);
        await driver.WalkAsync(patient, signed);
        Assert.Equal(HttpStatusCode.Conflict, (await UploadAsync(driver.Clinician, signed.Id, pdf, "application/pdf", "form.pdf", Today, ConsentWebFactory.DemoPassword)).StatusCode);
    }

    /// <summary>A scan's page with a launch action, a link out, and an annotation: none of it reaches the record the clinic signs.</summary>
    [Fact]
    public async Task AScansLinksActionsAndFields_AreLeftOutOfTheSignedRecord()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-PAPER-5");
        var scan = PdfForm(["PAPER FORM WITH TRAPS"],
            "/AA << /O << /S /Launch /F (cmd.exe) >> >> /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /A << /S /URI /URI (https://evil.example/phish) >> >> "
            + "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Signature1) /Rect [72 72 200 100] /AA << /K << /S /JavaScript /JS (app.alert\\(1\\)) >> >> >>] ", null);
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(driver.Clinician, session.Id, scan, "application/pdf", "form.pdf", Today, ConsentWebFactory.DemoPassword)).StatusCode);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        Assert.Contains("PAPER FORM WITH TRAPS", RecordSessions.Text(pdf), StringComparison.Ordinal);
        var path = ExternalTool.TempFile(pdf);
        var expanded = ExternalTool.Run("qpdf", "--qdf", "--object-streams=disable", path, path + ".qdf.pdf");
        Assert.True(expanded.ExitCode is 0 or 3, expanded.All);
        var text = Latin1.GetString(await File.ReadAllBytesAsync(path + ".qdf.pdf"));
        foreach (var trap in new[] { "/Launch", "evil.example", "/JavaScript", "cmd.exe" })
        {
            Assert.DoesNotContain(trap, text, StringComparison.Ordinal);
        }
    }

    private static byte[] Packed(byte[] content)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(content);
        }

        return output.ToArray();
    }

    internal static async Task<HttpResponseMessage> UploadAsync(HttpClient clinician, Guid session, byte[] scan, string type, string name, string signedOn, string? password)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(scan);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(file, "scan", name);
        form.Add(new StringContent(signedOn), "signedOn");
        if (password is not null)
        {
            form.Add(new StringContent(password), "password");
        }

        form.Add(new StringContent("true"), "statementAccepted");
        return await clinician.PostAsync($"/api/v1/sessions/{session}/paper", form);
    }

    /// <summary>
    /// A PDF of one Letter page per text, in the standard Helvetica font, written object by object with its cross-reference
    /// table, as a scanner with OCR might give (independent of the PDFsharp the service uses to read it).
    /// </summary>
    internal static byte[] PdfForm(params string[] pages) => PdfForm(pages, "", null);

    /// <summary>The same, each page dictionary with <paramref name="pageExtras"/>, and optionally its content FlateDecode-packed.</summary>
    internal static byte[] PdfForm(string[] pages, string pageExtras, byte[]? packedContent)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(" ", pages.Select((_, i) => $"{4 + (2 * i)} 0 R")) + $"] /Count {pages.Length} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        for (var i = 0; i < pages.Length; i++)
        {
            var content = packedContent is null ? $"BT /F1 14 Tf 72 700 Td ({pages[i]}) Tj ET" : Latin1.GetString(packedContent);
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + (2 * i)} 0 R {pageExtras}>>");
            objects.Add($"<< /Length {content.Length}{(packedContent is null ? "" : " /Filter /FlateDecode")} >>\nstream\n{content}\nendstream");
        }

        var pdf = new System.Text.StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Latin1.GetBytes(pdf.ToString());
    }

    private static readonly System.Text.Encoding Latin1 = System.Text.Encoding.Latin1;

    /// <summary>A PNG whose header declares <paramref name="width"/> by <paramref name="height"/> but whose data is a few bytes: an image bomb's shape.</summary>
    internal static byte[] PngDeclaring(int width, int height)
    {
        var png = Png(1, 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32([.. png.AsSpan(12, 17)]));
        return png;
    }

    /// <summary>A grey PNG of the given size (8-bit greyscale), written by hand: signature, IHDR, one zlib IDAT, IEND.</summary>
    internal static byte[] Png(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // greyscale
        Chunk(output, "IHDR", header);
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                for (var x = 0; x < width; x++)
                {
                    zlib.WriteByte((byte)((x + y) % 2 == 0 ? 40 : 220));
                }
            }
        }

        Chunk(output, "IDAT", raw.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        output.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
