using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Security;

namespace Consent.Web.Tests.StaffPages;

/// <summary>
/// The ethics reviewer's "walk through as the patient": the real patient pages, in the language
/// chosen, decided by the interpreter, with nothing written; and a preview link opens for its
/// reviewer alone (not for someone else signed in, not for a stranger, not through the patient API).
/// </summary>
public sealed partial class PatientPreviewTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Version = "/review/ketamine-chronic-pain/1";

    [Fact]
    public async Task APreviewInSpanish_RunsTheRealPatientPages_AndWritesNothing()
    {
        using var reviewer = await PageForms.SignedInAsync(factory, Staff.Reviewer);
        var before = await InputProbe.SnapshotAsync(factory);
        var link = await StartAsync(reviewer, "es");

        var front = await reviewer.GetStringAsync(link);
        Assert.Contains("Preview: nothing is recorded", front, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"es\">", front, StringComparison.Ordinal);
        Assert.Contains("Alex Morgan", front, StringComparison.Ordinal);

        // The date-of-birth check is the interpreter's: a wrong date counts as a failure, the right one lets the reviewer in.
        var wrong = await StaffCookies.PostFormAsync(reviewer, link, link, new Dictionary<string, string> { ["Day"] = "1", ["Month"] = "1", ["Year"] = "1990" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Esa fecha de nacimiento no coincide", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var right = await StaffCookies.PostFormAsync(reviewer, link, link, new Dictionary<string, string> { ["Day"] = "15", ["Month"] = "3", ["Year"] = "1980" });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal($"{link}/step", right.Headers.Location!.ToString());

        // The screening questions, in Spanish, answered "No": the walk goes on to the first disclosure.
        var step = await reviewer.GetStringAsync($"{link}/step");
        Assert.Contains("Preview: nothing is recorded", step, StringComparison.Ordinal);
        var fields = QuestionField().Matches(step).Select(m => m.Groups[1].Value).Distinct().ToDictionary(name => name, _ => "no");
        Assert.NotEmpty(fields);
        fields["stepId"] = "screening";
        var answered = await StaffCookies.PostFormAsync(reviewer, $"{link}/step", $"{link}/step?handler=Answers", fields);
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var disclosure = await reviewer.GetStringAsync($"{link}/step");
        Assert.Contains("handler=Acknowledge", disclosure, StringComparison.Ordinal);
        Assert.Contains("value=\"about\"", disclosure, StringComparison.Ordinal);

        // Nothing of it reached the database: no session, no event, no outbox job, no review.
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task APreviewLink_OpensForItsReviewerOnly_WhileSignedIn()
    {
        using var reviewer = PageForms.Browser(factory);
        var cookie = StaffCookies.CookieFrom(await StaffCookies.SignInAsync(reviewer, Staff.Reviewer, ConsentWebFactory.DemoPassword));
        var link = await StartAsync(reviewer, "en");
        var token = link["/p/".Length..];
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync(link)).StatusCode);

        // A stranger, and a colleague signed in as someone else, are told the link is not valid.
        using var stranger = PageForms.Browser(factory);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(link)).StatusCode);
        using var admin = await PageForms.SignedInAsync(factory, Staff.Admin);
        var other = await admin.GetAsync(link);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain("Alex Morgan", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The patient API knows no preview: its date of birth issues no ticket.
        var verify = await stranger.PostAsJsonAsync($"/api/v1/patient/{token}/verify", new { dateOfBirth = "1980-03-15" });
        Assert.Equal(HttpStatusCode.NotFound, verify.StatusCode);

        // Once the reviewer signs out, a copy of their cookie opens the preview no more.
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.PostFormAsync(reviewer, "/review", "/Account/Logout")).StatusCode);
        using var replay = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, link);
        request.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.NotFound, (await replay.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task APreviewInALanguageTheVersionLacks_IsRefused_AndOnlyReviewersStartOne()
    {
        using var reviewer = await PageForms.SignedInAsync(factory, Staff.Reviewer);
        var refused = await StaffCookies.PostFormAsync(reviewer, Version, $"{Version}?handler=Preview", new Dictionary<string, string> { ["language"] = "fr" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("This version is not written in", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A clinician cannot start one (the page is the ethics reviewer's).
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var forbidden = await clinician.PostAsync($"{Version}?handler=Preview", new FormUrlEncodedContent(new Dictionary<string, string> { ["language"] = "en" }));
        Assert.Contains("/Account/AccessDenied", forbidden.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
    }

    /// <summary>Starts a preview from the version page; the patient link it leads to.</summary>
    private static async Task<string> StartAsync(HttpClient reviewer, string language)
    {
        var started = await StaffCookies.PostFormAsync(reviewer, Version, $"{Version}?handler=Preview", new Dictionary<string, string> { ["language"] = language });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var link = started.Headers.Location!.ToString();
        Assert.StartsWith("/p/", link, StringComparison.Ordinal);
        return link;
    }

    [GeneratedRegex("name=\"(a_[a-z0-9_]+)\"")]
    private static partial Regex QuestionField();
}
