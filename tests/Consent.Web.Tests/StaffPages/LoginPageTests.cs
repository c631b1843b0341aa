using System.Net;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.StaffPages;

/// <summary>The sign-in page: no error box before anything went wrong, the reason in it after.</summary>
public sealed class LoginPageTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task FirstLoad_HasNoErrorBox_AWrongPasswordShowsOne()
    {
        using var browser = PageForms.Browser(factory);
        var first = await browser.GetStringAsync("/Account/Login");
        Assert.DoesNotContain("error-summary", first, StringComparison.Ordinal);
        Assert.DoesNotContain("role=\"alert\"", first, StringComparison.Ordinal);

        var wrong = await PageForms.PostAsync(browser, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = Staff.Clinician,
            ["Input.Password"] = "not the password",
        });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var page = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("error-summary", page, StringComparison.Ordinal);
        Assert.Contains("The email or password is not correct", page, StringComparison.Ordinal);
    }
}
