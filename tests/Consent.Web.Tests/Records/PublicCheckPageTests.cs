using System.Net;
using System.Net.Http.Headers;
using Consent.Web.Data;
using Consent.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Records;

/// <summary>Records issued with a public base address, so their QR code and printed address are that service's check page.</summary>
public sealed class CheckPageFactory : RecordsWebFactory
{
    public const string PublicBaseUrl = "https://consent.example.org";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Consent:PublicBaseUrl"] = PublicBaseUrl,
    };
}

/// <summary>
/// The public check page (<c>/check</c>, no sign-in) that every record's QR code names: a genuine
/// upload is genuine, a changed byte is not, a digest is answered yes or no and nothing more, bad
/// input is a clear 4xx on the page, and nothing of the session or patient is ever shown.
/// </summary>
public sealed class PublicCheckPageTests(CheckPageFactory factory) : IClassFixture<CheckPageFactory>
{
    [Fact]
    public async Task TheIssuedRecord_PrintsTheCheckPage_AndNothingOfTheSession_InItsAddress()
    {
        var (session, pdf) = await IssuedAsync();
        var text = RecordSessions.Text(pdf);

        Assert.Contains("Check this record", text, StringComparison.Ordinal);
        Assert.Contains(CheckPageFactory.PublicBaseUrl + "/check,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/check/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/check?", text, StringComparison.Ordinal);
        Assert.Contains(session.Id.ToString(), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGenuineRecord_IsGenuine_WithTheOfflineReport_AndNoPatientOrSession()
    {
        var (session, pdf) = await IssuedAsync();
        using var browser = PageForms.Browser(factory);

        var (status, page) = await UploadAsync(browser, pdf);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("✓ Genuine: issued by this service", page, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Issued by this service</dt>\s*<dd class=""verified"">Yes</dd>", page);
        Assert.Contains(RecordSessions.Sha256(pdf), page, StringComparison.Ordinal);
        Assert.Contains("intact: the signature covers the whole file and its digest matches", page, StringComparison.Ordinal);
        Assert.Contains("trusted (the signer is this service's certificate)", page, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Result</dt>\s*<dd class=""verified"">VALID</dd>", page);
        Assert.DoesNotContain(session.Id.ToString(), page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(session.Token, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Pérez", page, StringComparison.Ordinal);
        Assert.DoesNotContain("MRN-0042", page, StringComparison.Ordinal);
        Assert.DoesNotContain("ketamine-iv-depression", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneChangedByte_IsNotGenuine_NotIssued_NotIntact()
    {
        var (_, pdf) = await IssuedAsync();
        var tampered = (byte[])pdf.Clone();
        var at = tampered.AsSpan().IndexOf("Consent given"u8);
        tampered[at > 0 ? at : tampered.Length / 2] ^= 0x01;
        using var browser = PageForms.Browser(factory);

        var (status, page) = await UploadAsync(browser, tampered);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("✗ Not a genuine record of this service", page, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Issued by this service</dt>\s*<dd class=""broken"">No", page);
        Assert.Contains("NOT intact", page, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Result</dt>\s*<dd class=""broken"">NOT VALID</dd>", page);
    }

    [Fact]
    public async Task AKnownSha256_IsYes_AsPeopleCopyIt_WithSpacesAndCapitals()
    {
        var (session, pdf) = await IssuedAsync();
        var sha = RecordSessions.Sha256(pdf).ToUpperInvariant();
        var spaced = " " + string.Join(' ', sha.Chunk(8).Select(c => new string(c))) + "\n";
        using var browser = PageForms.Browser(factory);

        var (status, page) = await ShaAsync(browser, spaced);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("✓ Yes: this service issued a record with this SHA-256.", page, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Id.ToString(), page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Pérez", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Issued by this service", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{4}-\d\d-\d\d", page);
    }

    [Fact]
    public async Task AnUnknownSha256_IsNo_InTheSameShape()
    {
        using var browser = PageForms.Browser(factory);

        var (status, page) = await ShaAsync(browser, new string('0', 63) + "1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("✗ No: this service issued no record with this SHA-256.", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a digest")]
    [InlineData("abc123")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000a")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000")]
    public async Task AMalformedSha256_IsA400_OnThePage_LinkedToTheField_AndChangesNothing(string input)
    {
        var before = await CountsAsync();
        using var browser = PageForms.Browser(factory);

        var (status, page) = await ShaAsync(browser, input);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("class=\"error-summary\"", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#sha256\">Enter the SHA-256 as 64 hexadecimal characters", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{input}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("role=\"status\"", page, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AFileThatIsNotAPdf_IsA400_SayingSo()
    {
        using var browser = PageForms.Browser(factory);

        var (status, page) = await UploadAsync(browser, "just some text, not a record"u8.ToArray(), "record.pdf");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("This file is not a PDF.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("role=\"status\"", page, StringComparison.Ordinal);
    }

    /// <summary>An outside review sent bodies that are no form at all: they had a 500; now a 415 on the page, and nothing checked.</summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/pdf")]
    public async Task ABodyThatIsNoForm_IsA415_OnThePage(string contentType)
    {
        using var browser = PageForms.Browser(factory);
        await TokenAsync(browser);
        using var body = new ByteArrayContent("%PDF-1.7"u8.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await browser.PostAsync("/check?handler=Upload", body);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Send the form as a browser does", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFile_IsA400_AskingForOne()
    {
        using var browser = PageForms.Browser(factory);

        var (status, page) = await UploadAsync(browser, [], "record.pdf");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Choose the record's PDF file to check.", page, StringComparison.Ordinal);
    }

    /// <summary>Just over the cap (read, then refused), and far over it (refused by its length, unread): a 413 on the page either way.</summary>
    [Theory]
    [InlineData(20 * 1024 * 1024 + 1)]
    [InlineData(25 * 1024 * 1024)]
    public async Task AnOversizeUpload_IsA413_SayingHowLargeARecordCanBe(int size)
    {
        var big = new byte[size];
        "%PDF-1.7\n"u8.CopyTo(big);
        using var browser = PageForms.Browser(factory);

        var (status, page) = await UploadAsync(browser, big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("a consent record is never more than 20 MB", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#upload\">", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostWithoutTheFormsToken_IsRefused_WithNoAnswer()
    {
        using var browser = PageForms.Browser(factory);
        await browser.GetStringAsync("/check");

        using var response = await browser.PostAsync("/check?handler=Sha", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Sha256"] = new string('0', 64),
        }));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form could not be read, or it had expired.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("role=\"status\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePage_IsAnonymous_WithTheStrictContentSecurityPolicy_AndNoInlineScriptOrStyle()
    {
        using var browser = PageForms.Browser(factory);

        using var response = await browser.GetAsync("/check");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("script-src 'self'; style-src 'self';", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", page);
        Assert.DoesNotContain("style=", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", page, StringComparison.Ordinal);
        Assert.Equal(2, PageForms.AntiforgeryTokens(page));
    }

    private async Task<(StartedSession Session, byte[] Pdf)> IssuedAsync()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        return (session, await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
    }

    private static async Task<(HttpStatusCode, string)> UploadAsync(HttpClient browser, byte[] file, string name = "record.pdf")
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await TokenAsync(browser)), "__RequestVerificationToken" },
        };
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(content, "Upload", name);
        using var response = await browser.PostAsync("/check?handler=Upload", form);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    internal static async Task<(HttpStatusCode, string)> ShaAsync(HttpClient browser, string sha256)
    {
        using var response = await browser.PostAsync("/check?handler=Sha", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await TokenAsync(browser),
            ["Sha256"] = sha256,
        }));
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private static async Task<string> TokenAsync(HttpClient browser) => PageForms.AntiforgeryToken(await browser.GetStringAsync("/check"));

    /// <summary>The stored records (the page writes nothing; the outbox may still log mail for earlier tests' sessions, so events are not counted).</summary>
    private async Task<int> CountsAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Records.CountAsync();
    }
}
