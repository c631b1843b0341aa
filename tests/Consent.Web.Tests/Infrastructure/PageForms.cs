using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>Fills in page forms as a browser does: cookies kept, the antiforgery token taken from the page, no redirects followed.</summary>
public static partial class PageForms
{
    public static HttpClient Browser(ConsentWebFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A browser signed in at /Account/Login as a demo staff account.</summary>
    public static async Task<HttpClient> SignedInAsync(ConsentWebFactory factory, string email)
    {
        var browser = Browser(factory);
        var response = await PostAsync(browser, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = ConsentWebFactory.DemoPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>Opens the page at <paramref name="path"/> and posts its form back with <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, IDictionary<string, string> fields)
    {
        var page = await browser.GetStringAsync(path);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"no antiforgery token on {path}");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        return await browser.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>The antiforgery token of the first form on <paramref name="page"/>, decoded; empty when there is none.</summary>
    public static string AntiforgeryToken(string page) => WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);

    /// <summary>How many forms on <paramref name="page"/> carry an antiforgery token.</summary>
    public static int AntiforgeryTokens(string page) => AntiforgeryField().Count(page);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
