using System.Net;
using System.Net.Http.Headers;
using Consent.Web.Tests.Hosting;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>
/// The public check page on the real Kestrel server, whose every other request may send at most 4 MB:
/// a PDF up to the page's 20 MB is read and reported, one over it is a 413 on the page.
/// </summary>
public sealed class PublicCheckOnKestrelTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task AnEightMegabytePdf_IsReadAndReported_NotRefusedByTheServersOwnLimit()
    {
        var (status, page) = await UploadAsync(IPAddress.Parse("127.0.0.16"), 8 * 1024 * 1024);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Not a genuine record of this service", page, StringComparison.Ordinal);
        Assert.Contains("(8388608 bytes)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APdfOverTwentyMegabytes_IsA413_OnThePage()
    {
        var (status, page) = await UploadAsync(IPAddress.Parse("127.0.0.17"), (20 * 1024 * 1024) + 1);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("a consent record is never more than 20 MB", page, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode, string)> UploadAsync(IPAddress from, int size)
    {
        using var client = LoopbackClient.From(factory, from);
        using var form = await client.GetAsync("/check");
        var token = PageForms.AntiforgeryToken(await form.Content.ReadAsStringAsync());
        var file = new byte[size];
        "%PDF-1.7\n"u8.CopyTo(file);
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/check?handler=Upload")
        {
            Content = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { content, "Upload", "record.pdf" },
            },
        };
        request.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }
}
