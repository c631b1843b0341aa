using System.Net;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// A form posted to a page handler that does not exist gets a 400 problem: before, the framework rendered the page
/// with nothing loaded, and the patient's step page and the clinician's session page answered 500 (found by an
/// outside attack on a running instance).
/// </summary>
public sealed class UnknownHandlerTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Theory]
    [InlineData("/p/abc/step")]
    [InlineData("/p/abc/step?handler=Nope")]
    public async Task APatientPage_WithNoSuchForm_Is400(string path)
    {
        var browser = PageForms.Browser(factory);
        var token = PageForms.AntiforgeryToken(await browser.GetStringAsync("/Account/Login"));

        var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown form", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStaffPage_WithNoSuchForm_Is400()
    {
        var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var token = PageForms.AntiforgeryToken(await browser.GetStringAsync("/clinician"));

        var response = await browser.PostAsync($"/clinician/sessions/{Guid.NewGuid()}?handler=Status",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
