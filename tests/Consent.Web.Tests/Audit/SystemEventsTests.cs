using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// The system audit trail (docs/system-events.md; 21 CFR 11.10(e), 45 CFR 164.312(b)): staff reads of patient data
/// and sign-ins land on one verified chain, are answered by GET /api/v1/audit/system-events and shown in the
/// "who has seen this" panels; a sign-in's password never reaches it.
/// </summary>
public sealed class SystemEventsTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    /// <summary>Lists and searches show many patients' names, dates of birth and MRNs: each is a recorded read too, with what narrowed it.</summary>
    [Fact]
    public async Task ListsAndSearches_OfPatientData_AreRecordedReads()
    {
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync("/api/v1/patients/search", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/renewals")).StatusCode);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/clinician/patients?q=Zed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/clinician")).StatusCode);

        foreach (var what in new[] { "sessions.list", "patients.search", "renewals.list", "patients.list-page", "sessions.list-page" })
        {
            await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = @e", what, 1);
        }

        await SystemEventRows.WaitForAsync(factory, "type = 'patient-data.read' AND detail->>'what' = 'patients.list-page' AND detail->>'query' = @e", "?q=Zed", 1);
    }

    /// <summary>
    /// Only the session page's own status poll (<c>?handler=Status</c> on a page) goes unrecorded: a <c>handler</c> added
    /// to an API call, or an empty or unknown one on a page (which still renders the page), is recorded as any read
    /// (found by an outside attack: any <c>?handler</c> hid every read).
    /// </summary>
    [Fact]
    public async Task AHandlerInTheQuery_DoesNotHideARead()
    {
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions?handler=x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync("/api/v1/patients/search?Handler=Status", new { })).StatusCode);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/clinician/patients?handler=")).StatusCode);

        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'query' = @e", "?handler=x", 1);
        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'query' = @e AND detail->>'what' = 'patients.search'", "?Handler=Status", 1);
        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'query' = @e", "?handler=", 1);
    }

    /// <summary>
    /// A page without a status handler renders in full for <c>?handler=Status</c>, and a page's search or a form sent back with
    /// its errors is a post that shows patient data: each is a read on the trail (the third outside review found both unrecorded).
    /// </summary>
    [Fact]
    public async Task AStatusHandlerOnAPageWithoutOne_AndAPagesPostedSearch_AreRecorded()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-POSTREAD-1");
        var patientId = await SystemEventRows.PatientOfAsync(factory, session.Id);
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var page = await browser.GetAsync($"/clinician/patients/{patientId}?handler=Status");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(PatientDriver.PatientName, WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var search = await PageForms.PostAsync(browser, "/clinician/patients", new Dictionary<string, string> { ["Search.Query"] = "MRN-POSTREAD-1" });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Contains(PatientDriver.PatientName, WebUtility.HtmlDecode(await search.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // The session page's own polls after its load stay off the trail: the page load is the read.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/clinician/sessions/{session.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/clinician/sessions/{session.Id}?handler=Status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/clinician/sessions/{session.Id}?handler=Status")).StatusCode);

        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND patient_id = @e AND detail->>'what' = 'patient.page'", patientId, 1);
        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'method' = 'POST' AND detail->>'path' = @e", "/clinician/patients", 1);
        await using var db = await factory.OpenDatabaseAsync();
        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND session_id = @s", session.Id, 1);
        await Task.Delay(300);
        await using var polls = new NpgsqlCommand($"SELECT count(*) FROM system_events WHERE type = 'patient-data.read' AND actor = '{clinicianId:D}' AND session_id = @s", db);
        polls.Parameters.AddWithValue("s", session.Id);
        Assert.Equal(1L, (long)(await polls.ExecuteScalarAsync())!);
    }

    /// <summary>A status poll called without its page load (an outside review did, to read a session's email) is a read on the trail, marked as a poll.</summary>
    [Fact]
    public async Task AStatusPollWithoutItsPage_IsRecorded_AsAPoll()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/clinician/sessions/{session.Id}?handler=Status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/clinician/sessions/{session.Id}?handler=Status")).StatusCode);

        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'poll' = 'true' AND session_id = @s", session.Id, 1);
        await Task.Delay(300);
        await using var db = await factory.OpenDatabaseAsync();
        await using var polls = new NpgsqlCommand($"SELECT count(*) FROM system_events WHERE type = 'patient-data.read' AND actor = '{clinicianId:D}' AND session_id = @s", db);
        polls.Parameters.AddWithValue("s", session.Id);
        Assert.Equal(1L, (long)(await polls.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// The start page for a registered patient shows their name, date of birth and MRN, and a registration whose MRN is
    /// another patient's answers 409 naming that patient: both are reads on the trail (an outside review found neither).
    /// </summary>
    [Fact]
    public async Task TheStartPageForAPatient_AndAnMrnConflict_AreRecordedReads()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-CONFLICT-7");
        var patientId = await SystemEventRows.PatientOfAsync(factory, session.Id);
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/clinician/start?patientId={patientId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/clinician/start")).StatusCode);
        var conflict = await driver.Clinician.PostAsJsonAsync("/api/v1/patients", new { name = "Someone Else", dateOfBirth = "1990-01-01", mrn = "MRN-CONFLICT-7" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND patient_id = @e AND detail->>'what' = 'patient.start-page'", patientId, 1);
        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'patients.mrn-conflict' AND (detail->>'status')::int = 409 AND patient_id = @e", patientId, 1);
        await using var db = await factory.OpenDatabaseAsync();
        await using var bare = new NpgsqlCommand($"SELECT count(*) FROM system_events WHERE type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'patient.start-page' AND patient_id IS NULL", db);
        Assert.Equal(0L, (long)(await bare.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// A correction answers the patient's details: a read of that patient; one whose MRN is another patient's answers 409
    /// naming that patient: a read of the holder (second outside re-check found the first unrecorded, the second without its patient).
    /// </summary>
    [Fact]
    public async Task ACorrection_IsAReadOfThePatient_AndItsMrnConflict_OfThePatientItNames()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var corrected = await SystemEventRows.PatientOfAsync(factory, (await driver.StartAsync(mrn: "MRN-CORRECTED-1")).Id);
        var holder = await SystemEventRows.PatientOfAsync(factory, (await driver.StartAsync(mrn: "MRN-HOLDER-1")).Id);
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);

        var fixedName = await driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{corrected}/corrections", new { name = "María José Pérez Ruiz", reason = "Second surname left out" });
        Assert.Equal(HttpStatusCode.OK, fixedName.StatusCode);
        var taken = await driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{corrected}/corrections", new { mrn = "MRN-HOLDER-1", reason = "Typed the wrong MRN" });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);

        await SystemEventRows.WaitForAsync(factory,
            $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'patient.detail' AND detail->>'method' = 'POST' AND patient_id = @e", corrected, 1);
        await SystemEventRows.WaitForAsync(factory,
            $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'patients.mrn-conflict' AND detail->>'path' LIKE '%/corrections' AND patient_id = @e", holder, 1);
    }

    /// <summary>
    /// The staff pages that answer an MRN conflict (the start page, register, correct) show the MRN's holder, and the gate lookup
    /// answers one patient: each is a read of that patient (third outside re-check found the start page's unrecorded, the others
    /// recorded without the patient).
    /// </summary>
    [Fact]
    public async Task PageMrnConflicts_AndTheGateLookup_AreReadsOfThePatientTheyShow()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var holder = await SystemEventRows.PatientOfAsync(factory, (await driver.StartAsync(mrn: "MRN-PAGE-HOLDER")).Id);
        var other = await SystemEventRows.PatientOfAsync(factory, (await driver.StartAsync(mrn: "MRN-PAGE-OTHER")).Id);
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var start = await PageForms.PostAsync(browser, "/clinician/start", new Dictionary<string, string>
        {
            ["Input.Workflow"] = "ketamine-iv-depression@2", ["Input.Language"] = "en", ["Input.PatientName"] = "Probe Person",
            ["Input.DateOfBirth"] = "1999-01-01", ["Input.Mrn"] = "MRN-PAGE-HOLDER", ["Input.Email"] = "",
        });
        Assert.Contains("another date of birth", WebUtility.HtmlDecode(await start.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await PageForms.PostAsync(browser, "/clinician/patients?handler=Register", new Dictionary<string, string>
        {
            ["Input.Name"] = "Probe Person", ["Input.DateOfBirth"] = "1999-01-01", ["Input.Mrn"] = "MRN-PAGE-HOLDER",
        });
        await PageForms.PostAsync(browser, $"/clinician/patients/{other}?handler=Correct", new Dictionary<string, string>
        {
            ["Correction.Name"] = PatientDriver.PatientName, ["Correction.DateOfBirth"] = PatientDriver.DateOfBirth,
            ["Correction.Mrn"] = "MRN-PAGE-HOLDER", ["Correction.Reason"] = "Typed the wrong MRN",
        });
        var lookup = await driver.Clinician.PostAsJsonAsync("/api/v1/gate/lookup",
            new { mrn = "MRN-PAGE-HOLDER", dateOfBirth = PatientDriver.DateOfBirth, workflow = "ketamine-iv-depression" });
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);

        foreach (var path in new[] { "/clinician/start", "/clinician/patients", $"/clinician/patients/{other}" })
        {
            await SystemEventRows.WaitForAsync(factory,
                $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'patients.mrn-conflict' AND detail->>'path' = '{path}' AND patient_id = @e", holder, 1);
        }

        await SystemEventRows.WaitForAsync(factory,
            $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'gate.lookup' AND patient_id = @e", holder, 1);
    }

    /// <summary>
    /// The start page posted with the patient in its form (another in the query) is recorded against the patient it showed,
    /// and a page post answering 400 with the page (the check-ins list with its error) is a read too (second outside re-check).
    /// </summary>
    [Fact]
    public async Task AStartPagePostedForAPatient_AndAPageAnswering400_AreRecorded()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var shown = await SystemEventRows.PatientOfAsync(factory, (await driver.StartAsync(mrn: "MRN-SHOWN-1")).Id);
        var decoy = await SystemEventRows.PatientOfAsync(factory, (await driver.StartAsync(mrn: "MRN-DECOY-1")).Id);
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var start = await PageForms.PostAsync(browser, $"/clinician/start?patientId={decoy}", new Dictionary<string, string>
        {
            ["PatientId"] = shown.ToString(), ["Input.Workflow"] = "", ["Input.Language"] = "en",
        });
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var checkins = await PageForms.PostAsync(browser, "/clinician/checkins?handler=Start", new Dictionary<string, string>
        {
            ["patientId"] = Guid.NewGuid().ToString(), ["workflowId"] = "nothing-of-the-kind",
        });
        Assert.Equal(HttpStatusCode.BadRequest, checkins.StatusCode);

        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'patient.start-page' AND detail->>'method' = 'POST' AND patient_id = @e", shown, 1);
        await SystemEventRows.WaitForAsync(factory, $"type = 'patient-data.read' AND actor = '{clinicianId:D}' AND detail->>'what' = 'checkins.page' AND (detail->>'status')::int = 400 AND detail->>'path' = @e", "/clinician/checkins", 1);
    }

    [Fact]
    public async Task AnAuditorsReadsOfASession_AreOnTheChain_InTheApi_AndInThePanels()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patientId = await SystemEventRows.PatientOfAsync(factory, session.Id);
        using var auditorApi = await factory.ClientForAsync(Staff.Auditor);
        using var auditorPages = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var auditorId = await SystemEventRows.StaffIdAsync(factory, Staff.Auditor);

        Assert.Equal(HttpStatusCode.OK, (await auditorApi.GetAsync($"/api/v1/sessions/{session.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditorPages.GetAsync($"/audit/sessions/{session.Id}")).StatusCode);
        // Only answers that showed data count: a session that is not there is no read of anyone's data.
        var absent = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await auditorApi.GetAsync($"/api/v1/sessions/{absent}")).StatusCode);

        await SystemEventRows.WaitForAsync(factory, "type = 'patient-data.read' AND session_id = @s", session.Id, 2);
        var answer = (await auditorApi.GetFromJsonAsync<JsonObject>($"/api/v1/audit/system-events?type=patient-data.read&actor={auditorId}"))!;
        Assert.True(answer["verified"]!.GetValue<bool>(), answer.ToJsonString());
        Assert.Null(answer["brokenAtSeq"]?.GetValue<long>());
        var reads = answer["events"]!.AsArray().Select(e => e!.AsObject())
            .Where(e => e["sessionId"]?.GetValue<Guid>() == session.Id).ToList();
        Assert.Equal(["session.detail", "session.page"], reads.Select(e => e["detail"]!["what"]!.GetValue<string>()).Order());
        Assert.All(reads, e =>
        {
            Assert.Equal(Staff.Auditor, e["actorEmail"]!.GetValue<string>());
            Assert.Equal(patientId, e["patientId"]!.GetValue<Guid>());
            Assert.True(e.ContainsKey("ip") && e.ContainsKey("userAgent")); // the in-memory test server has no client address
        });
        Assert.Contains(reads, e => e["detail"]!["path"]!.GetValue<string>() == $"/api/v1/sessions/{session.Id}");
        Assert.DoesNotContain(answer["events"]!.AsArray(), e => e!["sessionId"]?.GetValue<Guid>() == absent);

        // The session page and the patient page list those reads: who, what.
        var sessionPage = await auditorPages.GetStringAsync($"/audit/sessions/{session.Id}");
        var panel = sessionPage[sessionPage.IndexOf("id=\"data-reads\"", StringComparison.Ordinal)..];
        Assert.Contains(Staff.Auditor, panel, StringComparison.Ordinal);
        Assert.Contains("session.detail", panel, StringComparison.Ordinal);
        Assert.Contains("session.page", panel, StringComparison.Ordinal);
        var patientPage = await auditorPages.GetStringAsync($"/audit/patients/{patientId}");
        var patientPanel = patientPage[patientPage.IndexOf("id=\"data-reads\"", StringComparison.Ordinal)..];
        Assert.Contains(Staff.Auditor, patientPanel, StringComparison.Ordinal);
        Assert.Contains("session.detail", patientPanel, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedSignIn_IsRecorded_WithTheEmailTriedAndWhy_NeverThePassword()
    {
        const string password = "Wrong-Password-5c1e8b0f-not-the-real-one";
        var email = $"nobody-{Guid.NewGuid():N}@example.org";
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = Staff.Clinician, password })).StatusCode);

        await SystemEventRows.WaitForAsync(factory, "type = 'staff.sign-in.failed' AND detail->>'emailTried' = @e", email, 1);
        await SystemEventRows.WaitForAsync(factory, "type = 'staff.sign-in.failed' AND detail->>'emailTried' = @e", Staff.Clinician, 1);
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""
            SELECT detail->>'reason', actor FROM system_events WHERE type = 'staff.sign-in.failed' AND detail->>'emailTried' = @e
            """, db);
        query.Parameters.AddWithValue("e", email);
        Assert.Equal(("unknown-email", "anonymous"), await SystemEventRows.SingleAsync(query));
        query.Parameters["e"].Value = Staff.Clinician;
        Assert.Equal(("wrong-password", "anonymous"), await SystemEventRows.SingleAsync(query));

        await using var leaked = new NpgsqlCommand("SELECT count(*) FROM system_events WHERE system_events::text LIKE '%' || @p || '%'", db);
        leaked.Parameters.AddWithValue("p", password);
        Assert.Equal(0L, await leaked.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AnAdminsAccountChanges_AndAClinicianPageRead_AreRecorded_WithWhoDidThem()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var adminId = await SystemEventRows.StaffIdAsync(factory, Staff.Admin);
        var email = $"new-{Guid.NewGuid():N}@example.org";
        var id = await StaffAccounts.CreateAsync(factory, admin, email, "a long enough password 1234", null, "Clinician");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { "Auditor" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);

        await SystemEventRows.WaitForAsync(factory, "type LIKE 'staff.account.%' AND detail->>'email' = @e", email, 3);
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""
            SELECT type, actor, actor_email, detail->>'account', detail->'roles', detail->'before'
            FROM system_events WHERE type LIKE 'staff.account.%' AND detail->>'email' = @e ORDER BY seq
            """, db);
        query.Parameters.AddWithValue("e", email);
        var rows = new List<(string Type, string Actor, string? ActorEmail, string Account, string? Roles, string? Before)>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        Assert.Equal(["staff.account.invited", "staff.account.roles-changed", "staff.account.deactivated"], rows.Select(r => r.Type));
        Assert.All(rows, r => Assert.Equal((adminId.ToString("D"), Staff.Admin, id), (r.Actor, r.ActorEmail, r.Account)));
        Assert.Equal("[\"Clinician\"]", rows[0].Roles);
        Assert.Equal(("[\"Auditor\"]", "[\"Clinician\"]"), (rows[1].Roles, rows[1].Before));

        // The clinician's own session page is a read of the patient's data too.
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var clinicianPages = await PageForms.SignedInAsync(factory, Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await clinicianPages.GetAsync($"/clinician/sessions/{session.Id}")).StatusCode);
        await SystemEventRows.WaitForAsync(factory, "type = 'patient-data.read' AND detail->>'what' = 'session.page' AND session_id = @s", session.Id, 1);
        var page = await clinicianPages.GetStringAsync($"/clinician/sessions/{session.Id}");
        Assert.Contains(Staff.Clinician, page[page.IndexOf("id=\"data-reads\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45T00:00:00Z", "to")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    [InlineData("type=Not%20A%20Type", "type")]
    [InlineData("actor=bob", "actor")]
    [InlineData("limit=0", "limit")]
    [InlineData("actr=system", "actr")]
    [InlineData("type=patient-data.read&patientId=1", "patientId")]
    public async Task BadParameters_AreA400Problem_NamingTheParameter(string query, string field)
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var response = await auditor.GetAsync($"/api/v1/audit/system-events?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task AClinician_IsRefusedTheSystemTrail()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        Assert.Equal(HttpStatusCode.Forbidden, (await clinician.GetAsync("/api/v1/audit/system-events")).StatusCode);
    }
}

/// <summary>A changed system event breaks the chain at its seq: in the API and in the audit. Its own database, since it breaks the chain for good.</summary>
public sealed class SystemEventTamperTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task TheChainVerifies_AndARowChangedByTheOwner_BreaksItAtItsSeq()
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = $"tamper-{i}@example.org", password = "not it at all" });
        }

        await SystemEventRows.WaitForAsync(factory, "detail->>'emailTried' = @e", "tamper-2@example.org", 1);
        var honest = (await auditor.GetFromJsonAsync<JsonObject>("/api/v1/audit/system-events"))!;
        Assert.True(honest["verified"]!.GetValue<bool>(), honest.ToJsonString());
        var events = honest["events"]!.AsArray();
        Assert.True(events.Count >= 4);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["seq"]!.GetValue<long>()));
        using (var scope = factory.Services.CreateScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
            Assert.True(report.SystemChain!.Verified);
            Assert.True(report.Clean);
        }

        long target;
        await using (var owner = await factory.OpenOwnerDatabaseAsync())
        {
            await using var change = new NpgsqlCommand("""
                ALTER TABLE system_events DISABLE TRIGGER system_events_no_update_or_delete;
                UPDATE system_events SET detail = jsonb_set(detail, '{emailTried}', '"someone-else@example.org"')
                    WHERE detail->>'emailTried' = 'tamper-1@example.org' RETURNING seq;
                """, owner);
            target = (long)(await change.ExecuteScalarAsync())!;
            await using var enable = new NpgsqlCommand("ALTER TABLE system_events ENABLE TRIGGER system_events_no_update_or_delete", owner);
            await enable.ExecuteNonQueryAsync();
        }

        var broken = (await auditor.GetFromJsonAsync<JsonObject>("/api/v1/audit/system-events"))!;
        Assert.False(broken["verified"]!.GetValue<bool>());
        Assert.Equal(target, broken["brokenAtSeq"]!.GetValue<long>());
        using (var scope = factory.Services.CreateScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
            Assert.False(report.SystemChain!.Verified);
            Assert.Equal(target, report.SystemChain.BrokenAtSeq);
            Assert.False(report.Clean);
        }
    }
}

/// <summary>A host stopped cleanly writes every event it queued before it stops.</summary>
public sealed class SystemEventShutdownTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task ACleanShutdown_WritesEveryQueuedEvent()
    {
        // A second node whose batches would wait a minute: only the drain at shutdown can write them in time.
        var node = new SameDatabaseNode(factory.ConnectionString, settings: new Dictionary<string, string>
        {
            ["SystemEvents:BatchIntervalMilliseconds"] = "60000",
            ["Outbox:RunWorker"] = "false",
            ["Audit:IntervalMinutes"] = "0",
            ["Renewals:IntervalMinutes"] = "0",
        });
        var marker = Guid.NewGuid().ToString("N");
        using (var client = node.CreateClient())
        {
            for (var i = 0; i < 12; i++)
            {
                var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"shutdown-{marker}-{i}@example.org", password = "not it" });
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        await node.DisposeAsync();

        await using var db = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM system_events WHERE detail->>'emailTried' LIKE @m", db);
        count.Parameters.AddWithValue("m", $"shutdown-{marker}-%");
        Assert.Equal(12L, await count.ExecuteScalarAsync());
    }
}

internal static class SystemEventRows
{
    /// <summary>Waits (up to 15 s) until the writer has put at least <paramref name="atLeast"/> matching rows on the chain.</summary>
    public static async Task WaitForAsync(ConsentWebFactory factory, string where, object value, int atLeast)
    {
        await using var db = await factory.OpenDatabaseAsync();
        var parameter = where.Contains("@s", StringComparison.Ordinal) ? "s" : "e";
        for (var waited = 0; waited < 150; waited++)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM system_events WHERE {where}", db);
            count.Parameters.AddWithValue(parameter, value);
            if ((long)(await count.ExecuteScalarAsync())! >= atLeast)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no {atLeast} system event(s) where {where} ({value}) within 15 s");
    }

    public static async Task<(string, string)> SingleAsync(NpgsqlCommand query)
    {
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var row = (reader.GetString(0), reader.GetString(1));
        Assert.False(await reader.ReadAsync());
        return row;
    }

    public static async Task<Guid> PatientOfAsync(ConsentWebFactory factory, Guid session)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("SELECT patient_id FROM consent_sessions WHERE id = @s", db);
        query.Parameters.AddWithValue("s", session);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }

    public static async Task<Guid> StaffIdAsync(ConsentWebFactory factory, string email)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("SELECT id FROM \"AspNetUsers\" WHERE email = @e", db);
        query.Parameters.AddWithValue("e", email);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }
}
