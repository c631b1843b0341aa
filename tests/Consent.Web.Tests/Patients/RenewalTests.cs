using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Mail;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Patients;

/// <summary>A course service of its own (its own database; <see cref="CourseFactory"/>): the clock moves when the test says, the renewal job runs when the test runs it.</summary>
public sealed class RenewalFactory : CourseFactory;

/// <summary>
/// Issue 13: the renewal job raises <c>reconsent-due</c> and <c>expiring</c> consents once each in the "Needs you" list of
/// the clinician who obtained them, resolves them when the status moves on, and clinicians re-consent many patients at once.
/// </summary>
public sealed class RenewalTests(RenewalFactory factory) : IClassFixture<RenewalFactory>
{
    internal const string Esketamine = "esketamine-nasal-trd";

    [Fact]
    public async Task ReconsentDueAndExpiring_AreRaisedOnce_ShownToTheirClinician_AndResolvedWhenTheStatusMovesOn()
    {
        var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        await ApproveAsync(reviewer, 1);
        var driver = await PatientDriver.CreateAsync(factory);
        var ana = await RegisterAsync(driver.Clinician, "Ana Renewal", "MRN-R-001");
        var ben = await RegisterAsync(driver.Clinician, "Ben Renewal", "MRN-R-002");
        await SignAsync(factory, driver, ana);
        await SignAsync(factory, driver, ben);

        // Valid consents: nothing to raise.
        var scan = await ScanAsync(factory);
        Assert.Equal((true, 0), (scan.Ran, scan.Raised));

        // v2 requires re-consent: one renewal each, raised once however often the job runs.
        await ApproveAsync(reviewer, 2);
        Assert.Equal(2, (await ScanAsync(factory)).Raised);
        Assert.Equal(0, (await ScanAsync(factory)).Raised);
        var mine = await driver.Clinician.GetFromJsonAsync<JsonObject>("/api/v1/renewals?mine=true");
        Assert.Equal(2, mine!["total"]!.GetValue<int>());
        Assert.All(mine["renewals"]!.AsArray(), r => Assert.Equal("reconsent-due", r!["kind"]!.GetValue<string>()));

        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var home = await browser.GetStringAsync("/clinician");
        Assert.Contains("Ana Renewal</a>: SPRAVATO", home, StringComparison.Ordinal);
        Assert.Contains("a new version requires re-consent", home, StringComparison.Ordinal);
        Assert.Contains("href=\"/clinician/renewals\"", home, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing needs you now.</p>", home.Replace("hidden=\"hidden\">Nothing needs you now.</p>", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Bulk, on the page: Ana is asked again; her link shows once; nothing was started by the job itself (mail is off).
        var anaRenewal = RenewalOf(mine, ana);
        var page = await PageForms.PostAsync(browser, "/clinician/renewals", new Dictionary<string, string> { ["RenewalIds"] = anaRenewal.ToString() });
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("1 patient was asked to consent again", html, StringComparison.Ordinal);
        Assert.Contains("No email on file: give the patient this link.", html, StringComparison.Ordinal);
        var anaLink = System.Text.RegularExpressions.Regex.Match(html, "value=\"(http[^\"]+/p/[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(anaLink);

        // Bulk, by the API: Ben is started; Ana again is refused (her re-consent is open); an unknown renewal is named.
        var unknown = Guid.NewGuid();
        var bulk = await driver.Clinician.PostAsJsonAsync("/api/v1/renewals/reconsent", new { renewalIds = new[] { RenewalOf(mine, ben), anaRenewal, unknown } });
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var results = (await bulk.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.NotNull(results[0]!["sessionId"]?.GetValue<Guid>());
        Assert.Contains("still open", results[1]!["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("No such renewal.", results[2]!["problem"]!.GetValue<string>());
        // The answer names the patients: a read on the system trail, as the list is.
        await Audit.SystemEventRows.WaitForAsync(factory,
            "type = 'patient-data.read' AND detail->>'path' = @e AND detail->>'method' = 'POST' AND detail->>'what' = 'renewals.list'", "/api/v1/renewals/reconsent", 1);

        // Under way: off "Needs you" (the patients have links), still on the clinic's list as asked.
        home = await browser.GetStringAsync("/clinician");
        Assert.DoesNotContain("Ana Renewal</a>: SPRAVATO", home, StringComparison.Ordinal);
        Assert.Contains("Asked on", await browser.GetStringAsync("/clinician/renewals"), StringComparison.Ordinal);

        // Ana signs v2: her renewal is resolved; Ben's stays open.
        var url = anaLink;
        var second = new StartedSession(Guid.Parse(PatientLinkSession(await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{ana}"), Esketamine)),
            url[(url.LastIndexOf('/') + 1)..], url);
        await FinishAsync(factory, driver, second);
        scan = await ScanAsync(factory);
        Assert.Equal((0, 1), (scan.Raised, scan.Resolved));
        var open = await driver.Clinician.GetFromJsonAsync<JsonObject>("/api/v1/renewals");
        Assert.Equal(ben, Assert.Single(open!["renewals"]!.AsArray())!["patientId"]!.GetValue<Guid>());
        var resolution = await ResolutionAsync(factory, anaRenewal);
        Assert.StartsWith("Now valid: Signed on", resolution, StringComparison.Ordinal);

        // Ben signs v2 too, and nobody runs the job: asking him again answers that it is no longer due and starts nothing,
        // and the lists no longer show him.
        var benUrl = results[0]!["patientUrl"]!.GetValue<string>();
        await FinishAsync(factory, driver, new StartedSession(results[0]!["sessionId"]!.GetValue<Guid>(), benUrl[(benUrl.LastIndexOf('/') + 1)..], benUrl));
        var again = (await (await driver.Clinician.PostAsJsonAsync("/api/v1/renewals/reconsent", new { renewalIds = new[] { RenewalOf(mine, ben) } }))
            .Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.StartsWith("No longer due: Now valid", again[0]!["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(again[0]!["sessionId"]);
        Assert.Equal(0, (await driver.Clinician.GetFromJsonAsync<JsonObject>("/api/v1/renewals"))!["total"]!.GetValue<int>());

        // Ana's v2 consent runs out: expiring within the notice period, then expired (resolved).
        var status = await StatusAsync(driver.Clinician, ana);
        var expiresAt = status["expiresAt"]!.GetValue<DateTimeOffset>();
        factory.Clock.SetUtcNow(expiresAt.AddDays(-29));
        scan = await ScanAsync(factory);
        Assert.Equal(2, scan.Raised); // Ana's and Ben's, signed moments apart
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var expiring = (await clinician.GetFromJsonAsync<JsonObject>("/api/v1/renewals?mine=true"))!["renewals"]!.AsArray()
            .Single(r => r!["patientId"]!.GetValue<Guid>() == ana)!;
        Assert.Equal(("expiring", expiresAt), (expiring["kind"]!.GetValue<string>(), expiring["expiresAt"]!.GetValue<DateTimeOffset>()));
        factory.Clock.SetUtcNow(expiresAt.AddHours(1));
        Assert.Equal(2, (await ScanAsync(factory)).Resolved);
        Assert.StartsWith("Now expired", await ResolutionAsync(factory, expiring["id"]!.GetValue<Guid>()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconsentsAtOnce_ForOnePatient_StartOneSession()
    {
        await ApproveAsync(await factory.ClientForAsync(Staff.Reviewer), 1);
        var driver = await PatientDriver.CreateAsync(factory);
        var patientId = await RegisterAsync(driver.Clinician, "Race Renewal", "MRN-R-RACE");
        await SignAsync(factory, driver, patientId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
            driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/reconsent", new { workflowId = Esketamine })));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var timeline = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}"))!;
        Assert.Equal(2, timeline["sessions"]!.AsArray().Count);

        // A renewal on the version the patient signed: nothing changed, so no "what changed" page.
        var started = (await answers.Single(a => a.StatusCode == HttpStatusCode.Created).Content.ReadFromJsonAsync<JsonObject>())!;
        var url = started["patientUrl"]!.GetValue<string>();
        var session = new StartedSession(started["id"]!.GetValue<Guid>(), url[(url.LastIndexOf('/') + 1)..], url);
        var current = await PatientDriver.CurrentAsync(await driver.VerifyAsync(session), session);
        Assert.Null(current["changes"]);
    }

    [Fact]
    public async Task BulkReconsent_RefusesBadInput_AndIsForCliniciansOnly()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var none = await clinician.PostAsJsonAsync("/api/v1/renewals/reconsent", new { renewalIds = Array.Empty<Guid>() });
        var tooMany = await clinician.PostAsJsonAsync("/api/v1/renewals/reconsent",
            new { renewalIds = Enumerable.Range(0, ConsentRenewals.MostPerBulk + 1).Select(_ => Guid.NewGuid()) });
        var notJson = await clinician.PostAsync("/api/v1/renewals/reconsent", new StringContent("{\"renewalIds\": \"all\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (none.StatusCode, tooMany.StatusCode, notJson.StatusCode));
        Assert.Contains("at least one", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("at most 100", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("The request could not be read", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var auditor = await factory.ClientForAsync(Staff.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/renewals")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/renewals/reconsent", new { renewalIds = new[] { Guid.NewGuid() } })).StatusCode);

        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/clinician/renewals")).StatusCode);
        var emptyPost = await PageForms.PostAsync(browser, "/clinician/renewals", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, emptyPost.StatusCode);
        Assert.Contains("Choose at least one patient to ask again.", await emptyPost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRuntimeRole_CannotRewriteOrDeleteARenewal()
    {
        await using var db = factory.Services.CreateScope().ServiceProvider.GetRequiredService<ConsentDbContext>();
        var connection = db.Database.GetConnectionString();
        await using var sql = new NpgsqlConnection(connection);
        await sql.OpenAsync();
        foreach (var statement in new[] { "UPDATE consent_renewals SET kind = 'x'", "UPDATE consent_renewals SET clinician_id = gen_random_uuid()", "DELETE FROM consent_renewals" })
        {
            await using var command = new NpgsqlCommand(statement, sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        await using var allowed = new NpgsqlCommand("UPDATE consent_renewals SET resolution = resolution WHERE false", sql);
        await allowed.ExecuteNonQueryAsync();
    }

    internal static async Task<RenewalScan> ScanAsync(ConsentWebFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentRenewals>().ScanAsync(CancellationToken.None);
    }

    internal static async Task ApproveAsync(HttpClient reviewer, int version)
    {
        var response = await reviewer.PostAsJsonAsync($"/api/v1/workflows/{Esketamine}/versions/{version}/approve", new { comment = "Reviewed with the committee.", password = ConsentWebFactory.DemoPassword });
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task<Guid> RegisterAsync(HttpClient clinician, string name, string mrn, string? email = null)
    {
        var created = await clinician.PostAsJsonAsync("/api/v1/patients", new { name, dateOfBirth = PatientDriver.DateOfBirth, mrn, email });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    /// <summary>A consent to the newest approved esketamine version, walked by the patient, countersigned, its record issued.</summary>
    internal static async Task<StartedSession> SignAsync(ConsentWebFactory factory, PatientDriver driver, Guid patientId)
    {
        var response = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = Esketamine, language = "en", patientId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var url = body.GetProperty("patientUrl").GetString()!;
        var session = new StartedSession(body.GetProperty("id").GetGuid(), url[(url.LastIndexOf('/') + 1)..], url);
        await FinishAsync(factory, driver, session);
        return session;
    }

    private static async Task FinishAsync(ConsentWebFactory factory, PatientDriver driver, StartedSession session)
    {
        var patient = await driver.VerifyAsync(session);
        var end = await driver.WalkAsync(patient, session);
        Assert.Equal("AwaitingCountersign", end["sessionStatus"]!.GetValue<string>());
        // The walk signs as the driver's patient, so the clinician confirms the registered patient signed.
        Assert.Equal(HttpStatusCode.OK, (await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true, nameConfirmed = true })).StatusCode);
        var worker = factory.Services.GetRequiredService<Consent.Web.Outbox.OutboxWorker>();
        for (var i = 0; i < 50 && await worker.RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    private static Guid RenewalOf(JsonObject list, Guid patientId) =>
        list["renewals"]!.AsArray().Single(r => r!["patientId"]!.GetValue<Guid>() == patientId)!["id"]!.GetValue<Guid>();

    /// <summary>The newest session of a workflow on the patient's timeline.</summary>
    private static string PatientLinkSession(JsonObject? timeline, string workflowId) =>
        timeline!["sessions"]!.AsArray().Where(s => s!["workflowId"]!.GetValue<string>() == workflowId)
            .MaxBy(s => s!["createdAt"]!.GetValue<DateTimeOffset>())!["id"]!.GetValue<Guid>().ToString();

    internal static async Task<string> ResolutionAsync(ConsentWebFactory of, Guid renewalId)
    {
        using var scope = of.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return (await db.Renewals.AsNoTracking().SingleAsync(r => r.Id == renewalId)).Resolution!;
    }

    private static async Task<JsonObject> StatusAsync(HttpClient staff, Guid patientId)
    {
        var consents = (await staff.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!;
        return consents["consents"]!.AsArray().Single(c => c!["workflowId"]!.GetValue<string>() == Esketamine)!.AsObject();
    }
}

/// <summary>A service with mail, a public address, the renewal job running on its own every few seconds, and <c>Renewals:EmailNewLink</c> on.</summary>
public sealed class RenewalMailFactory : MailWebFactory
{
    public const string PublicBaseUrl = "https://consent.riverside.example";

    protected override bool RunsRenewalJob => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Workflows:ApproveInDevelopment"] = "false",
        ["Renewals:IntervalMinutes"] = "0.03",
        ["Renewals:FirstRunAfterSeconds"] = "1",
        ["Renewals:EmailNewLink"] = "true",
        ["Consent:PublicBaseUrl"] = PublicBaseUrl,
    };
}

/// <summary>Issue 13: the renewal job runs by itself and, when the clinic turns it on, emails the patient a new link.</summary>
public sealed class RenewalMailTests(RenewalMailFactory factory) : IClassFixture<RenewalMailFactory>
{
    [Fact]
    public async Task TheJob_StartsTheReconsentInTheClinicianName_AndEmailsTheLink_OnlyToPatientsWithAnAddress()
    {
        var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        await RenewalTests.ApproveAsync(reviewer, 1);
        var driver = await PatientDriver.CreateAsync(factory);
        var withMail = await RenewalTests.RegisterAsync(driver.Clinician, "Carla Mail", "MRN-M-001", "carla.mail@example.org");
        var withoutMail = await RenewalTests.RegisterAsync(driver.Clinician, "Dario Nomail", "MRN-M-002");
        var first = await RenewalTests.SignAsync(factory, driver, withMail);
        await RenewalTests.SignAsync(factory, driver, withoutMail);

        await RenewalTests.ApproveAsync(reviewer, 2);

        // The job, on its own: the renewal of the patient with an address is answered by a re-consent, whose link she gets by mail.
        var renewals = await Deadline.ValueAsync("both renewals, one answered", async () =>
        {
            var list = (await driver.Clinician.GetFromJsonAsync<JsonObject>("/api/v1/renewals"))!["renewals"]!.AsArray();
            return list.Count == 2 && list.Any(r => r!["openSessionId"] is not null) ? list : null;
        }, () => "fewer than 2 renewals, or none answered");
        var carla = renewals.Single(r => r!["patientId"]!.GetValue<Guid>() == withMail)!;
        var dario = renewals.Single(r => r!["patientId"]!.GetValue<Guid>() == withoutMail)!;
        var sessionId = carla["openSessionId"]!.GetValue<Guid>();
        Assert.Null(dario["openSessionId"]);
        var linkPattern = new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(RenewalMailFactory.PublicBaseUrl) + "/p/[A-Za-z0-9_-]+");
        var link = await Deadline.ValueAsync("the mail with the new link", () => Task.FromResult(factory.Smtp.ReceivedEmail
            .Where(m => m.ToAddresses.Any(a => a.Address == "carla.mail@example.org"))
            .Select(m => linkPattern.Match(MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))).TextBody ?? "").Value)
            .FirstOrDefault(l => l.Length > 0 && l != first.PatientUrl)), () => "no mail with another link");

        // The session is the clinician's (it shows in their list), and its first event says the job started it.
        var events = (await driver.EventsAsync(sessionId)).ToJsonString();
        Assert.Contains(ConsentRenewals.JobUserAgent, events, StringComparison.Ordinal);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        Assert.Contains($"data-id=\"{sessionId}\"", await browser.GetStringAsync("/clinician"), StringComparison.Ordinal);

        // The patient opens the emailed link: it is the re-consent, and she first sees what changed.
        var token = link[(link.LastIndexOf('/') + 1)..];
        var patient = await driver.VerifyAsync(new StartedSession(sessionId, token, link));
        var current = await PatientDriver.CurrentAsync(patient, new StartedSession(sessionId, token, link));
        Assert.True(current["changes"] is not null, current.ToJsonString());
        Assert.Equal(1, current["changes"]!["signedVersion"]!.GetValue<int>());
    }
}
