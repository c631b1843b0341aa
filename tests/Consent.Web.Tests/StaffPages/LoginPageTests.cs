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

    /// <summary>The sign-in page uses the shared error summary too: every problem at once, each linked to its field, and the email kept.</summary>
    [Fact]
    public async Task MissingAndMalformedFields_AreListedInTheSharedSummary_EachLinkedToItsField()
    {
        using var browser = PageForms.Browser(factory);
        var posted = await PageForms.PostAsync(browser, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = "not-an-address",
            ["Input.Password"] = "",
        });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var page = await posted.Content.ReadAsStringAsync();
        Assert.Contains("data-error-summary", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_Email\">Enter your email address as name@example.org.</a>", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_Password\">Enter your password.</a>", page, StringComparison.Ordinal);
        Assert.Contains("value=\"not-an-address\"", page, StringComparison.Ordinal);
    }
}
