using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.StaffPages;

/// <summary>
/// The patient pages (issue 13): the clinician's search (posted, by name or MRN) and register form, the patient
/// page with its consent status, timeline and correction form, the start page for a registered patient, and the
/// auditor's read-only view. One deployment is one clinic: every clinician sees every patient; a session's
/// page and actions stay with the clinician who started it.
/// </summary>
public sealed partial class PatientPagesTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    private static string NewMrn() => "MRN-PG-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Search_IsPosted_AndFindsByAnyNameOrTheMrn_AndWithoutASearchListsPatientsByName()
    {
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var unique = Guid.NewGuid().ToString("N")[..6];
        var mrn = NewMrn();
        var zoe = await RegisterAsync(api, new { name = $"Zoë Quintana-Ørsted {unique}", dateOfBirth = "1984-07-09", mrn });
        var other = await RegisterAsync(api, new { name = $"Aaron Quill {unique}", dateOfBirth = "1990-01-02" });
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var browse = await clinician.GetStringAsync("/clinician/patients");
        Assert.Contains("Patients by name", browse, StringComparison.Ordinal);
        Assert.Matches("<form method=\"post\" class=\"card search-form\"", browse);
        Assert.DoesNotMatch("<form[^>]*method=\"get\"", browse);
        Assert.Contains("name=\"Search.Query\"", browse, StringComparison.Ordinal);
        Assert.NotEmpty(Rows(browse));

        Assert.Equal([zoe], Rows(await SearchAsync(clinician, "/clinician/patients", $"quintana ZOE {unique}")));
        Assert.Equal([zoe], Rows(await SearchAsync(clinician, "/clinician/patients", mrn)));
        Assert.Equal([other], Rows(await SearchAsync(clinician, "/clinician/patients", $"{unique} aaron")));
        var nobody = await SearchAsync(clinician, "/clinician/patients", $"Nobody {unique}");
        Assert.Empty(Rows(nobody));
        Assert.Contains("No patient found", nobody, StringComparison.Ordinal);

        // A row gives the name (linked to the patient's page), the date of birth and the MRN.
        var row = Regex.Match(await SearchAsync(clinician, "/clinician/patients", mrn), $"<tr data-id=\"{zoe}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains($"href=\"/clinician/patients/{zoe}\"", row, StringComparison.Ordinal);
        Assert.Contains($"Zoë Quintana-Ørsted {unique}", WebUtility.HtmlDecode(row), StringComparison.Ordinal);
        Assert.Contains("1984-07-09", row, StringComparison.Ordinal);
        Assert.Contains(mrn, row, StringComparison.Ordinal);

        // The auditor's search finds the same, and links to the auditor's read-only page.
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var audited = await SearchAsync(auditor, "/audit/patients", $"ørsted {unique}");
        Assert.Equal([zoe], Rows(audited));
        Assert.Contains($"href=\"/audit/patients/{zoe}\"", audited, StringComparison.Ordinal);

        // A search a person could not have typed is refused at the field, and lists nobody.
        var hidden = await PageForms.PostAsync(clinician, "/clinician/patients", new Dictionary<string, string> { ["Search.Query"] = "Zo\u200Be" });
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        var refused = await hidden.Content.ReadAsStringAsync();
        Assert.Contains("href=\"#search-query\"", refused, StringComparison.Ordinal);
        Assert.Empty(Rows(refused));
    }

    [Fact]
    public async Task Register_ListsEveryProblemAtItsField_RegistersWhenRight_AndAnMrnOfAnotherPatientLinksToThem()
    {
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var mrn = NewMrn();

        var wrong = await PageForms.PostAsync(clinician, "/clinician/patients?handler=Register", Register(" ", "2999-01-01", mrn, "not an address", "fr"));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var page = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
        var summary = ErrorSummaryOf(page);
        foreach (var input in new[] { "new-name", "new-dob", "new-email", "new-language" })
        {
            Assert.Contains($"href=\"#{input}\"", summary, StringComparison.Ordinal);
        }

        Assert.Contains("pick it in the calendar", summary, StringComparison.Ordinal);
        Assert.Contains("class=\"field-error\" id=\"name-error\"", page, StringComparison.Ordinal);
        Assert.Contains("class=\"field-error\" id=\"email-error\"", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{mrn}\"", page, StringComparison.Ordinal); // what was typed stays
        Assert.Empty(Rows(await SearchAsync(clinician, "/clinician/patients", mrn)));

        var done = await PageForms.PostAsync(clinician, "/clinician/patients?handler=Register", Register("Inés Barragán", "1979-03-15", mrn, "ines@patient.example", "es"));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var location = done.Headers.Location!.OriginalString;
        Assert.Matches("^/clinician/patients/[0-9a-f-]{36}$", location);
        var id = Guid.Parse(location[(location.LastIndexOf('/') + 1)..]);
        var patientPage = WebUtility.HtmlDecode(await clinician.GetStringAsync(location));
        Assert.Contains("Inés Barragán is registered.", patientPage, StringComparison.Ordinal);
        Assert.Contains("Spanish", Section(patientPage, "details"), StringComparison.Ordinal);

        var taken = await PageForms.PostAsync(clinician, "/clinician/patients?handler=Register", Register("Someone Else", "1990-01-01", mrn, "", ""));
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var takenPage = WebUtility.HtmlDecode(await taken.Content.ReadAsStringAsync());
        Assert.Contains("href=\"#new-mrn\"", ErrorSummaryOf(takenPage), StringComparison.Ordinal);
        Assert.Contains($"MRN {mrn} is already registered for another patient", takenPage, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/clinician/patients/{id}\" id=\"mrn-holder\">", takenPage, StringComparison.Ordinal);
        Assert.Equal([id], Rows(await SearchAsync(clinician, "/clinician/patients", mrn)));
    }

    [Fact]
    public async Task Correction_NeedsAReason_AndIsKeptInTheTimelineWithWhoAndWhy()
    {
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var id = await RegisterAsync(api, new { name = "Lee Smyth", dateOfBirth = "1958-12-01", mrn, email = "lee@patient.example" });
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var path = $"/clinician/patients/{id}";
        var form = WebUtility.HtmlDecode(await clinician.GetStringAsync(path));
        Assert.Contains("value=\"Lee Smyth\"", form, StringComparison.Ordinal); // the form starts from the details as they are

        var noReason = await PageForms.PostAsync(clinician, path + "?handler=Correct", Correct("Lee Smith", "1958-12-01", mrn, "lee@patient.example", "", ""));
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        var refused = WebUtility.HtmlDecode(await noReason.Content.ReadAsStringAsync());
        Assert.Contains("href=\"#fix-reason\"", ErrorSummaryOf(refused), StringComparison.Ordinal);
        Assert.Contains("id=\"fix-reason-error\"", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"Lee Smith\"", refused, StringComparison.Ordinal);
        Assert.Equal("Lee Smyth", (await PatientAsync(api, id))["name"]!.GetValue<string>());

        var done = await PageForms.PostAsync(clinician, path + "?handler=Correct",
            Correct("Lee Smith", "1958-12-01", "", "lee@patient.example", "en", "Surname misspelt at registration; checked against the patient's ID."));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var patient = await PatientAsync(api, id);
        Assert.Equal("Lee Smith", patient["name"]!.GetValue<string>());
        Assert.Null(patient["mrn"]); // an emptied MRN is cleared
        Assert.Equal("en", patient["preferredLanguage"]!.GetValue<string>());

        var timeline = WebUtility.HtmlDecode(Section(await clinician.GetStringAsync(path), "timeline"));
        Assert.Contains("Details corrected", timeline, StringComparison.Ordinal);
        Assert.Contains("Reason: Surname misspelt at registration; checked against the patient's ID.", timeline, StringComparison.Ordinal);
        Assert.Contains("Name: Lee Smyth → Lee Smith", timeline, StringComparison.Ordinal);
        Assert.Contains($"Medical record number: {mrn} → (none)", timeline, StringComparison.Ordinal);
        Assert.Contains("Preferred language: (none) → English", timeline, StringComparison.Ordinal);
        Assert.Contains("(you)", timeline, StringComparison.Ordinal);

        var unchanged = await PageForms.PostAsync(clinician, path + "?handler=Correct", Correct("Lee Smith", "1958-12-01", "", "lee@patient.example", "en", "Nothing really."));
        Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
        Assert.Contains("Nothing would change", WebUtility.HtmlDecode(ErrorSummaryOf(await unchanged.Content.ReadAsStringAsync())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatientPage_ShowsTheStatusPerWorkflowAndTheTimeline_AndOnlyTheStartingClinicianGetsTheSessionAndItsWithdrawal()
    {
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var id = await RegisterAsync(api, new { name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth, mrn = NewMrn() });
        var session = await CompleteForAsync(api, id);
        var record = RecordSessions.Sha256(await RecordSessions.WaitForRecordAsync(api, session.Id));
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var path = $"/clinician/patients/{id}";

        var page = WebUtility.HtmlDecode(await clinician.GetStringAsync(path));
        var card = Card(page, "ketamine-iv-depression");
        Assert.Contains("data-status=\"valid\"", card, StringComparison.Ordinal);
        Assert.Contains(">Valid</span>", card, StringComparison.Ordinal);
        Assert.Contains("Signed on", card, StringComparison.Ordinal);
        Assert.Contains($">{record[..12]}…</span>", card, StringComparison.Ordinal);
        Assert.Contains($">{record}</span>", card, StringComparison.Ordinal);
        Assert.Contains($"href=\"/clinician/sessions/{session.Id}#withdraw-reason\"", card, StringComparison.Ordinal);
        Assert.Contains("data-status=\"none\"", Card(page, "ketamine-chronic-pain"), StringComparison.Ordinal);
        var timeline = Section(page, "timeline");
        Assert.Contains($"href=\"/clinician/sessions/{session.Id}\"", timeline, StringComparison.Ordinal);
        Assert.Contains("Consent record (active)", timeline, StringComparison.Ordinal);
        Assert.Contains(record, timeline, StringComparison.Ordinal);
        Assert.Contains("Completed", timeline, StringComparison.Ordinal);
        Assert.Contains($"href=\"/clinician/start?patientId={id}\"", page, StringComparison.Ordinal);

        // Another clinician of the clinic sees the same status and timeline, but neither the session's page nor its withdrawal.
        using var other = await OtherClinicianAsync();
        var theirs = WebUtility.HtmlDecode(await other.GetStringAsync(path));
        Assert.Contains("data-status=\"valid\"", Card(theirs, "ketamine-iv-depression"), StringComparison.Ordinal);
        Assert.DoesNotContain($"/clinician/sessions/{session.Id}", theirs, StringComparison.Ordinal);
        Assert.Contains("records a withdrawal on its page", Card(theirs, "ketamine-iv-depression"), StringComparison.Ordinal);
        Assert.Contains(record, Section(theirs, "timeline"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartPage_ForARegisteredPatient_StartsTheSessionForThem()
    {
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var id = await RegisterAsync(api, new { name = "Ravi Menon", dateOfBirth = "1966-09-30", mrn, preferredLanguage = "es" });
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var path = $"/clinician/start?patientId={id}";

        var form = WebUtility.HtmlDecode(await clinician.GetStringAsync(path));
        Assert.Contains("Start a consent session for Ravi Menon", form, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.PatientName\"", form, StringComparison.Ordinal);
        Assert.Matches("<option value=\"es\" selected=\"selected\">", form);

        var started = await PageForms.PostAsync(clinician, path, new Dictionary<string, string>
        {
            ["Input.Workflow"] = "ketamine-iv-depression@1",
            ["Input.Language"] = "es",
        });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var sessionId = Guid.Parse(started.Headers.Location!.OriginalString.Split('/')[^1]);
        var session = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{sessionId}"))!;
        Assert.Equal(id, session["patientId"]!.GetValue<Guid>());
        Assert.Equal(mrn, session["patient"]!["mrn"]!.GetValue<string>());
        Assert.Contains($"href=\"/clinician/sessions/{sessionId}\"", Section(await clinician.GetStringAsync($"/clinician/patients/{id}"), "timeline"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync($"/clinician/start?patientId={Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Auditor_SeesTheTimelineReadOnly_AndCannotPost()
    {
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var id = await RegisterAsync(api, new { name = "Noor Haddad", dateOfBirth = "1971-05-05", mrn });
        var started = await api.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "esketamine-nasal-trd", language = "en", patientId = id });
        var sessionId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var corrected = await api.PostAsJsonAsync($"/api/v1/patients/{id}/corrections", new { email = "noor@patient.example", reason = "Email given at the desk." });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        var page = WebUtility.HtmlDecode(await auditor.GetStringAsync($"/audit/patients/{id}"));
        Assert.Contains("data-status=\"in-progress\"", Card(page, "esketamine-nasal-trd"), StringComparison.Ordinal);
        Assert.Contains($"href=\"/audit/sessions/{sessionId}\"", Section(page, "timeline"), StringComparison.Ordinal);
        Assert.Contains("Email given at the desk.", Section(page, "timeline"), StringComparison.Ordinal);
        Assert.DoesNotContain("handler=", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/clinician/", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Correct details", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Start a consent", page, StringComparison.Ordinal);
        Assert.DoesNotContain("withdrawal", page, StringComparison.Ordinal);
        Assert.Equal(1, PageForms.AntiforgeryTokens(page)); // the sign-out form, nothing else

        // The clinician's pages and their forms are not the auditor's: access denied, and nothing changes.
        var token = PageForms.AntiforgeryToken(page);
        AssertDenied(await auditor.GetAsync($"/clinician/patients/{id}"));
        AssertDenied(await PostAsync(auditor, $"/clinician/patients/{id}?handler=Correct", token,
            Correct("Noor Haddad-Smith", "1971-05-05", mrn, "", "", "Auditor trying.")));
        AssertDenied(await PostAsync(auditor, "/clinician/patients?handler=Register", token, Register("Audited Person", "1970-01-01", NewMrn(), "", "")));
        var onOwnPage = await PostAsync(auditor, $"/audit/patients/{id}?handler=Correct", token, Correct("Noor Haddad-Smith", "1971-05-05", mrn, "", "", "Auditor trying."));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, onOwnPage.StatusCode); // the auditor's page has no form but signing out
        var patient = await PatientAsync(api, id);
        Assert.Equal("Noor Haddad", patient["name"]!.GetValue<string>());
        Assert.Equal("noor@patient.example", patient["email"]!.GetValue<string>());
        var corrections = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{id}"))!["corrections"]!.AsArray();
        Assert.Single(corrections);
    }

    [Fact]
    public async Task AReviewer_IsRefusedEveryPatientPage()
    {
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var id = await RegisterAsync(api, new { name = "Kim Reviewed", dateOfBirth = "1980-08-08" });
        using var reviewer = await PageForms.SignedInAsync(factory, Staff.Reviewer);
        using var reviewerApi = await factory.ClientForAsync(Staff.Reviewer);

        foreach (var path in new[] { "/clinician/patients", $"/clinician/patients/{id}", "/audit/patients", $"/audit/patients/{id}" })
        {
            AssertDenied(await reviewer.GetAsync(path)); // signed in at the pages: the access-denied page
            Assert.Equal(HttpStatusCode.Forbidden, (await reviewerApi.GetAsync(path)).StatusCode); // with a bearer token: 403
        }

        var token = PageForms.AntiforgeryToken(await reviewer.GetStringAsync("/review"));
        AssertDenied(await PostAsync(reviewer, "/clinician/patients", token, new Dictionary<string, string> { ["Search.Query"] = "Kim" }));
        AssertDenied(await PostAsync(reviewer, "/audit/patients", token, new Dictionary<string, string> { ["Search.Query"] = "Kim" }));

        var nav = await reviewer.GetStringAsync("/review");
        Assert.DoesNotContain("/clinician/patients", nav, StringComparison.Ordinal);
        Assert.DoesNotContain("/audit/patients", nav, StringComparison.Ordinal);
        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        Assert.Contains("<a href=\"/clinician/patients\" aria-current=\"page\">Patients</a>", await clinician.GetStringAsync($"/clinician/patients/{id}"), StringComparison.Ordinal);
    }

    /// <summary>A session started for the registered patient, walked and countersigned.</summary>
    private async Task<StartedSession> CompleteForAsync(HttpClient api, Guid patientId)
    {
        var response = await api.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "en", patientId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var url = body["patientUrl"]!.GetValue<string>();
        var session = new StartedSession(body["id"]!.GetValue<Guid>(), url[(url.LastIndexOf('/') + 1)..], url);
        var driver = new PatientDriver(factory, api);
        var end = await driver.WalkAsync(await driver.VerifyAsync(session), session);
        Assert.Equal("AwaitingCountersign", end["sessionStatus"]!.GetValue<string>());
        var countersign = await api.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign", new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);
        return session;
    }

    /// <summary>A browser signed in as a new clinician of the same clinic.</summary>
    private async Task<HttpClient> OtherClinicianAsync()
    {
        const string Password = "another clinician password";
        var email = $"other.patients.{Guid.NewGuid().ToString("N")[..8]}@example.org";
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, email, Password, "Other Clinician", "Clinician");
        }

        var browser = PageForms.Browser(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.SignInAsync(browser, email, Password)).StatusCode);
        return browser;
    }

    private static async Task<Guid> RegisterAsync(HttpClient api, object patient)
    {
        var response = await api.PostAsJsonAsync("/api/v1/patients", patient);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<JsonObject> PatientAsync(HttpClient api, Guid id) =>
        (await api.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{id}"))!["patient"]!.AsObject();

    /// <summary>Posts the search form of <paramref name="page"/> and answers the page it shows.</summary>
    private static async Task<string> SearchAsync(HttpClient browser, string page, string query)
    {
        var response = await PageForms.PostAsync(browser, page, new Dictionary<string, string> { ["Search.Query"] = query });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A staff member signed in at the pages without the role: sent to the access-denied page (the API's 403), nothing shown.</summary>
    private static void AssertDenied(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location?.AbsolutePath, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, string token, Dictionary<string, string> fields) =>
        await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }));

    private static Dictionary<string, string> Register(string name, string dateOfBirth, string mrn, string email, string language) => new()
    {
        ["Input.Name"] = name,
        ["Input.DateOfBirth"] = dateOfBirth,
        ["Input.Mrn"] = mrn,
        ["Input.Email"] = email,
        ["Input.PreferredLanguage"] = language,
    };

    private static Dictionary<string, string> Correct(string name, string dateOfBirth, string mrn, string email, string language, string reason) => new()
    {
        ["Correction.Name"] = name,
        ["Correction.DateOfBirth"] = dateOfBirth,
        ["Correction.Mrn"] = mrn,
        ["Correction.Email"] = email,
        ["Correction.PreferredLanguage"] = language,
        ["Correction.Reason"] = reason,
    };

    /// <summary>The patients a list shows, in order.</summary>
    private static List<Guid> Rows(string html) => [.. PatientRow().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

    private static string ErrorSummaryOf(string html) => ErrorSummary().Match(html) is { Success: true } m ? m.Value : "";

    /// <summary>The section headed <c>{name}-heading</c>.</summary>
    private static string Section(string html, string name)
    {
        var start = html.IndexOf($"id=\"{name}-heading\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {name} section");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    /// <summary>The consent status card of one workflow.</summary>
    private static string Card(string html, string workflowId)
    {
        var start = html.IndexOf($"id=\"consent-{workflowId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no card for {workflowId}");
        return html[start..html.IndexOf("</li>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<tr data-id=\"([0-9a-f-]{36})\">")]
    private static partial Regex PatientRow();

    [GeneratedRegex("<div class=\"error-summary\".*?</div>\\s*</div>", RegexOptions.Singleline)]
    private static partial Regex ErrorSummary();
}
