using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.StaffPages;

/// <summary>
/// What the clinician's pages show (issue 19, items 10 to 15): referrals in "Needs you" and their
/// follow-up, discussion cards in staff words, the pre-countersign brief, step titles, the start form.
/// </summary>
public sealed partial class ClinicianPagesTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Referral_ShowsInNeedsYouWithItsReason_AndFollowedUpIsASignedEventWithANote()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var end = await driver.WalkAsync(patient, session, step => step["id"]!.GetValue<string>() == "screening"
            ? Screening(driver, step, "psychosis") : null);
        Assert.Equal("Referred", end["sessionStatus"]!.GetValue<string>());
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var row = Row(await browser.GetStringAsync("/clinician"), session.Id);
        Assert.Contains("psychosis", row, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("contact the patient", row, StringComparison.OrdinalIgnoreCase);
        var live = JsonNode.Parse(await browser.GetStringAsync("/clinician?handler=Status"))!.AsArray()
            .Single(r => r!["id"]!.GetValue<string>() == session.Id.ToString())!;
        Assert.Contains("psychosis", live["attention"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        // The banner says what the patient was told, word for word, beside the clinician's task.
        var page = await browser.GetStringAsync($"/clinician/sessions/{session.Id}");
        var banner = Section(page, "referral");
        Assert.Contains("Contact the patient", banner, StringComparison.Ordinal);
        Assert.Contains("A member of your care team will contact you soon", WebUtility.HtmlDecode(banner), StringComparison.Ordinal);
        Assert.DoesNotContain("refer-psychosis", page, StringComparison.Ordinal);

        var empty = await PageForms.PostAsync(browser, $"/clinician/sessions/{session.Id}?handler=FollowUp", new Dictionary<string, string> { ["note"] = " " });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.DoesNotContain("ReferralFollowedUp", await driver.Clinician.GetStringAsync($"/api/v1/sessions/{session.Id}/events"), StringComparison.Ordinal);

        var done = await PageForms.PostAsync(browser, $"/clinician/sessions/{session.Id}?handler=FollowUp",
            new Dictionary<string, string> { ["note"] = "Phoned the patient; booked a psychiatry review for Monday." });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var chain = JsonNode.Parse(await driver.Clinician.GetStringAsync($"/api/v1/sessions/{session.Id}/events"))!;
        Assert.True(chain["verified"]!.GetValue<bool>());
        var followUp = chain["events"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "ReferralFollowedUp")!;
        Assert.Equal("Phoned the patient; booked a psychiatry review for Monday.", followUp["payload"]!["note"]!.GetValue<string>());

        var after = await browser.GetStringAsync($"/clinician/sessions/{session.Id}");
        Assert.Contains("booked a psychiatry review", Section(after, "referral"), StringComparison.Ordinal);
        Assert.DoesNotContain("handler=FollowUp", after, StringComparison.Ordinal);
        Assert.DoesNotContain("contact the patient", Row(await browser.GetStringAsync("/clinician"), session.Id), StringComparison.OrdinalIgnoreCase);

        var again = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/follow-up", new { note = "Again." });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task DiscussionCards_HaveStaffTitlesAndText_NotStepIdsOrWordsToThePatient()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, step => step["id"]!.GetValue<string>() == "screening"
            ? Screening(driver, step, "needs_ride", "substance_use", "sedating_medicines") : null, stopAt: "understanding");
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var card = WebUtility.HtmlDecode(Section(await browser.GetStringAsync($"/clinician/sessions/{session.Id}"), "discussion"));
        Assert.Contains("Ride home", card, StringComparison.Ordinal);
        Assert.Contains("Substance use", card, StringComparison.Ordinal);
        Assert.Contains("Sedating medicines", card, StringComparison.Ordinal);
        Assert.DoesNotContain("discuss-", card, StringComparison.Ordinal);
        // The staff text is what the card says; the patient's own words are one tap away, in a <details>, and labelled so.
        var staffText = Regex.Replace(card, "<details>.*?</details>", "", RegexOptions.Singleline);
        Assert.DoesNotContain("You told us", staffText, StringComparison.Ordinal);
        Assert.Contains("What the patient was told", card, StringComparison.Ordinal);
        Assert.Contains("Needs you", await browser.GetStringAsync("/clinician"), StringComparison.Ordinal);
        Assert.Contains("discussion needed", Row(await browser.GetStringAsync("/clinician"), session.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountersignBrief_ShowsWhatTheClinicianAttestsTo_InEnglish_WithTheSpanishAttestationOneTapAway()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(language: "es");
        var patient = await driver.VerifyAsync(session);
        var quizTries = 0;
        await driver.WalkAsync(patient, session, step => step["id"]!.GetValue<string>() switch
        {
            "screening" => Screening(driver, step, "substance_use"),
            "understanding" when quizTries++ == 0 => Quiz(driver, step, wrong: "q_drive"),
            _ => null,
        }, stopAt: "questions");
        var asked = await patient.PostAsJsonAsync($"/api/v1/patient/{session.Token}/questions", new { question = "¿Puedo comer antes?" });
        Assert.True(asked.IsSuccessStatusCode, await asked.Content.ReadAsStringAsync());
        var questionId = JsonNode.Parse(await driver.Clinician.GetStringAsync($"/api/v1/sessions/{session.Id}"))!["questions"]!.AsArray()[0]!["id"]!.GetValue<string>();
        Assert.True((await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/questions/{questionId}/answer", new { answer = "No coma 6 horas antes." })).IsSuccessStatusCode);
        Assert.True((await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/discussions", new { note = "Talked through alcohol history; sober 4 years." })).IsSuccessStatusCode);
        Assert.Equal("AwaitingCountersign", (await driver.WalkAsync(patient, session))["sessionStatus"]!.GetValue<string>());
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var page = await browser.GetStringAsync($"/clinician/sessions/{session.Id}");
        var brief = WebUtility.HtmlDecode(Section(page, "brief"));
        Assert.Contains("Do you have, or have you ever had, a problem with alcohol or drug use?", brief, StringComparison.Ordinal);
        Assert.Contains("Can you drive yourself home after a session?", brief, StringComparison.Ordinal);
        Assert.Contains("attempt 1", brief, StringComparison.Ordinal);
        Assert.Contains("¿Puedo comer antes?", brief, StringComparison.Ordinal);
        Assert.Contains("No coma 6 horas antes.", brief, StringComparison.Ordinal);
        Assert.Contains("sober 4 years", brief, StringComparison.Ordinal);
        Assert.Contains("Substance use", brief, StringComparison.Ordinal);
        Assert.Contains(PatientDriver.PatientName, brief, StringComparison.Ordinal);
        Assert.Contains("matches the registered name", brief, StringComparison.Ordinal);
        Assert.Contains("Feeling detached or unreal", brief, StringComparison.Ordinal);
        Assert.Matches(@"\d+ s", brief);

        // The brief comes before the attestation; the attestation is in English, the Spanish one tap away.
        Assert.True(page.IndexOf("id=\"brief\"", StringComparison.Ordinal) < page.IndexOf("id=\"countersign-heading\"", StringComparison.Ordinal));
        var countersign = Section(page, "countersign");
        var english = countersign.IndexOf("lang=\"en\"", StringComparison.Ordinal);
        var spanish = countersign.IndexOf("lang=\"es\"", StringComparison.Ordinal);
        Assert.True(english >= 0 && spanish > english, "the English attestation first, then the Spanish");
        Assert.True(countersign.IndexOf("<details", StringComparison.Ordinal) is var details and >= 0 && details < spanish);
    }

    [Fact]
    public async Task SessionPage_ShowsStepTitles_NotStepIds()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "blood-pressure");
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/clinician/sessions/{session.Id}"));
        Assert.DoesNotContain("blood-pressure", page, StringComparison.Ordinal);
        Assert.DoesNotContain("(off-label)", page, StringComparison.Ordinal);
        Assert.Contains("Higher blood pressure", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartForm_ChoosesNoWorkflow_AndTheSessionPageSaysWhetherTheInvitationWasSent()
    {
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var form = await browser.GetStringAsync("/clinician/start");
        var choices = Regex.Matches(form, "<input type=\"radio\"[^>]*name=\"Input.Workflow\"[^>]*>").Select(m => m.Value).ToList();
        Assert.True(choices.Count >= 3, $"{choices.Count} workflow choices");
        Assert.All(choices, c => Assert.DoesNotContain("checked", c, StringComparison.Ordinal));
        Assert.Contains("Intravenous ketamine for depression (version 1)", form, StringComparison.Ordinal);

        var unchosen = await PageForms.PostAsync(browser, "/clinician/start", Start(""));
        Assert.Equal(HttpStatusCode.OK, unchosen.StatusCode);
        var unchosenPage = WebUtility.HtmlDecode(await unchosen.Content.ReadAsStringAsync());
        Assert.Contains("Choose the workflow for this patient.", unchosenPage, StringComparison.Ordinal);
        var noDate = await PageForms.PostAsync(browser, "/clinician/start", new Dictionary<string, string>(Start("ketamine-iv-depression@1")) { ["Input.DateOfBirth"] = "" });
        var noDatePage = WebUtility.HtmlDecode(await noDate.Content.ReadAsStringAsync());
        Assert.Contains("pick it in the calendar or type the month, day and year", noDatePage, StringComparison.Ordinal);
        Assert.DoesNotContain("YYYY-MM-DD", noDatePage, StringComparison.Ordinal);

        var withEmail = await PageForms.PostAsync(browser, "/clinician/start", Start("ketamine-iv-depression@1", "patient@example.org"));
        Assert.Equal(HttpStatusCode.Redirect, withEmail.StatusCode);
        var sent = await browser.GetStringAsync(withEmail.Headers.Location!.OriginalString);
        Assert.Contains("invitation email to patient@example.org", WebUtility.HtmlDecode(sent), StringComparison.Ordinal);

        var without = await PageForms.PostAsync(browser, "/clinician/start", Start("ketamine-iv-depression@1"));
        var notSent = await browser.GetStringAsync(without.Headers.Location!.OriginalString);
        Assert.Contains("No invitation email was sent: no email address was given", WebUtility.HtmlDecode(notSent), StringComparison.Ordinal);
    }

    /// <summary>
    /// The start page offers who signs (issue 16): a representative, an impartial witness, an interpreter. A part left blank is
    /// nobody; a part half filled, or a witness with the patient's name, is sent back with the field named and nothing started.
    /// </summary>
    [Fact]
    public async Task StartForm_TakesWhoSigns_AndNamesWhatIsMissing()
    {
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var form = WebUtility.HtmlDecode(await browser.GetStringAsync("/clinician/start"));
        Assert.Contains("Legally authorized representative (they consent, instead of the patient)", form, StringComparison.Ordinal);
        Assert.Contains("Impartial witness (present for the whole session)", form, StringComparison.Ordinal);

        var noAuthority = await PageForms.PostAsync(browser, "/clinician/start", new Dictionary<string, string>(Start("ketamine-iv-depression@2"))
        {
            ["Input.RepresentativeName"] = "Ana Pérez Ruiz", ["Input.Relationship"] = "daughter",
        });
        Assert.Equal(HttpStatusCode.OK, noAuthority.StatusCode);
        Assert.Contains("Enter the basis of the representative&#x27;s authority", await noAuthority.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var sameName = await PageForms.PostAsync(browser, "/clinician/start", new Dictionary<string, string>(Start("ketamine-iv-depression@2"))
        {
            ["Input.WitnessName"] = PatientDriver.PatientName,
        });
        Assert.Equal(HttpStatusCode.OK, sameName.StatusCode);
        Assert.Contains("The witness cannot be the patient", WebUtility.HtmlDecode(await sameName.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var started = await PageForms.PostAsync(browser, "/clinician/start", new Dictionary<string, string>(Start("ketamine-iv-depression@2"))
        {
            ["Input.RepresentativeName"] = "Ana Pérez Ruiz", ["Input.Relationship"] = "daughter", ["Input.Authority"] = "court-appointed guardian",
            ["Input.Assent"] = "true", ["Input.WitnessName"] = "Thomas Okafor",
            ["Input.InterpreterName"] = "Linh Tran", ["Input.InterpreterLanguage"] = "Vietnamese", ["Input.Qualification"] = "CCHI 12345", ["Input.Mode"] = "video",
        });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var id = started.Headers.Location!.OriginalString.Split('/')[^1];
        using var api = await factory.ClientForAsync(Staff.Clinician);
        var created = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}/events"))!["events"]![0]!["payload"]!["signers"]!;
        Assert.Equal("Ana Pérez Ruiz", created["representative"]!["name"]!.GetValue<string>());
        Assert.Equal("court-appointed guardian", created["representative"]!["authority"]!.GetValue<string>());
        Assert.True(created["assent"]!.GetValue<bool>());
        Assert.Equal("Thomas Okafor", created["witness"]!["name"]!.GetValue<string>());
        Assert.Equal(("Vietnamese", "video"), (created["interpreter"]!["language"]!.GetValue<string>(), created["interpreter"]!["mode"]!.GetValue<string>()));
    }

    private static Dictionary<string, string> Start(string workflow, string email = "") => new()
    {
        ["Input.Workflow"] = workflow,
        ["Input.Language"] = "en",
        ["Input.PatientName"] = PatientDriver.PatientName,
        ["Input.DateOfBirth"] = PatientDriver.DateOfBirth,
        ["Input.Mrn"] = "",
        ["Input.Email"] = email,
    };

    /// <summary>The screening answered "no" except for <paramref name="yes"/>.</summary>
    internal static JsonObject Screening(PatientDriver driver, JsonObject step, params string[] yes)
    {
        var body = driver.DefaultAnswer(step);
        foreach (var id in yes)
        {
            body["answers"]![id] = true;
        }

        return body;
    }

    /// <summary>The quiz answered right except for <paramref name="wrong"/>.</summary>
    private static JsonObject Quiz(PatientDriver driver, JsonObject step, string wrong)
    {
        var body = driver.DefaultAnswer(step);
        var right = driver.QuizAnswer(step["id"]!.GetValue<string>(), wrong);
        body["answers"]![wrong] = step["questions"]!.AsArray().Single(q => q!["id"]!.GetValue<string>() == wrong)!["options"]!.AsArray()
            .Select(o => o!["value"]!.GetValue<string>()).First(v => v != right);
        return body;
    }

    /// <summary>The list's row for one session.</summary>
    internal static string Row(string page, Guid id)
    {
        var match = Regex.Match(page, $"<tr data-id=\"{id}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no row for {id}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The <c>section</c> labelled by <c>&lt;name&gt;-heading</c>.</summary>
    internal static string Section(string page, string name)
    {
        var match = Regex.Match(page, $"<section[^>]*aria-labelledby=\"{name}-heading\"[^>]*>(.*?)</section>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no {name} section");
        return match.Groups[1].Value;
    }
}
