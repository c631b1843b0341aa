using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>Development with two approvals required, set explicitly (Development's default is 1), and nothing approved by the seed.</summary>
public sealed class TwoApprovalsRecordsFactory : RecordsWebFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Review:RequiredApprovals"] = "2",
        ["Workflows:ApproveInDevelopment"] = "false",
    };
}

/// <summary>
/// Issue 15: the review page shows "k of n approvals" and each signature's manifestation, takes the password on the
/// decision form (an error stands by its field, and the comment typed is kept), and the consent record states who
/// approved the workflow version it used, and when, in the record's language.
/// </summary>
public sealed partial class ApprovalRecordTests(TwoApprovalsRecordsFactory factory) : IClassFixture<TwoApprovalsRecordsFactory>
{
    private const string Second = "Bea Second Reviewer";

    [Fact]
    public async Task TheReviewPageSigns_AndTheRecordNamesBothApprovers_InEnglishAndSpanish()
    {
        using var browser = await PageForms.SignedInAsync(factory, Staff.Reviewer);
        const string Page = "/review/ketamine-iv-depression/1";
        Assert.Contains("0 of 2 approvals", WebUtility.HtmlDecode(await browser.GetStringAsync(Page)), StringComparison.Ordinal);

        // A wrong password: 400, the error beside the password field, the comment still there, nothing signed.
        var wrong = await PostDecisionAsync(browser, Page, "Approve", "Reviewed by the board, item 4.", "not the password");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongPage = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
        Assert.Matches(PasswordErrorBesideField(), wrongPage);
        Assert.Contains(">Reviewed by the board, item 4.</textarea>", wrongPage, StringComparison.Ordinal);
        Assert.Contains("0 of 2 approvals", wrongPage, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PostDecisionAsync(browser, Page, "Approve", "Reviewed by the board, item 4.", ConsentWebFactory.DemoPassword)).StatusCode);
        var signed = WebUtility.HtmlDecode(await browser.GetStringAsync(Page));
        Assert.Contains("1 of 2 approvals", signed, StringComparison.Ordinal);
        Assert.Contains("Your approval is signed: 1 of 2 approvals", signed, StringComparison.Ordinal);
        // The manifestation: meaning, printed name, time in the clinic's zone (America/New_York) with its offset.
        Assert.Matches(new Regex(@"Approved for use with patients by <strong>Demo Ethics Reviewer</strong>, \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \u22120[45]:00"), signed);

        // Not yet approved: no session starts; a second, distinct reviewer approves, and one does.
        var driver = await PatientDriver.CreateAsync(factory);
        var refused = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en", patient = new { name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var admin = await factory.ClientForAsync(Staff.Admin);
        await StaffAccounts.CreateAsync(factory, admin, "bea.reviewer@example.org", "bea's password 12", Second, StaffRoles.EthicsReviewer);
        using var bea = await StaffAccounts.ClientAsync(factory, "bea.reviewer@example.org", "bea's password 12");
        Assert.Equal(HttpStatusCode.OK, (await ReviewerApprovals.ApproveAsync(bea, "ketamine-iv-depression", 1, "bea's password 12")).StatusCode);
        Assert.Contains("2 of 2 approvals", WebUtility.HtmlDecode(await browser.GetStringAsync(Page)), StringComparison.Ordinal);

        var english = Flat(RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, (await RecordSessions.CompleteAsync(driver, "en")).Id)));
        Assert.Matches(new Regex(@"Approved for use with patients by Demo Ethics Reviewer, \d{4}-\d{2}-\d{2} \d{2}:\d{2} \u22120[45]:00"), english);
        Assert.Matches(new Regex($@"Approved for use with patients by {Second}, \d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}} \u22120[45]:00"), english);
        var spanish = Flat(RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, (await RecordSessions.CompleteAsync(driver, "es")).Id)));
        Assert.Contains("Aprobación ética", spanish, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"Aprobado para su uso con pacientes por {Second}, \d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}} \u22120[45]:00"), spanish);
    }

    private static async Task<HttpResponseMessage> PostDecisionAsync(HttpClient browser, string page, string handler, string comment, string password)
    {
        var token = PageForms.AntiforgeryToken(await browser.GetStringAsync(page));
        return await browser.PostAsync($"{page}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["comment"] = comment, ["password"] = password,
        }));
    }

    /// <summary>pdftotext breaks a table cell's text over lines: one space for every run of white space.</summary>
    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    [GeneratedRegex("""<p class="field-error" id="decision-password-error">The password is not correct[^<]*</p>\s*<input id="decision-password" name="password" type="password"[^>]*aria-describedby="decision-password-error""")]
    private static partial Regex PasswordErrorBesideField();
}
