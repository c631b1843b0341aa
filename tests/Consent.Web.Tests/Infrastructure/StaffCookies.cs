using System.Text.RegularExpressions;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>Staff sign-in through the pages, as a browser does it: the form, its antiforgery token and the cookie.</summary>
public static partial class StaffCookies
{
    public const string CookieName = "consent_staff";

    /// <summary>Posts the sign-in form; a redirect away from it means signed in (the client keeps the cookie).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? twoFactorCode = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, "/Account/Login"),
        };
        if (twoFactorCode is not null)
        {
            fields["Input.TwoFactorCode"] = twoFactorCode;
        }

        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
    }

    /// <summary>Posts a page form (with the token the page itself renders) and returns the answer.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>())
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, page),
        };
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>The staff cookie the last sign-in set, as a browser would replay it.</summary>
    public static string CookieFrom(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        return TokenField().Match(html) is { Success: true } match
            ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{page} has no antiforgery token.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
