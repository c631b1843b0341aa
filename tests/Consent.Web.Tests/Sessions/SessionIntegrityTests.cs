using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Sessions;

/// <summary>Idempotency, serialized writers and the hash chain under tampering.</summary>
public sealed class SessionIntegrityTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task SameStepSentTwiceWithOneIdempotencyKey_RecordsOnce_AndAnswersTheSame()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var step = (await driver.WalkAsync(patient, session, stopAt: "dissociation"))["step"]!.AsObject();
        var before = (await driver.EventsAsync(session.Id))["events"]!.AsArray().Count;

        var body = driver.DefaultAnswer(step);
        var first = await PatientDriver.SubmitAsync(patient, session, "dissociation", body, key: "tap-1");
        var second = await PatientDriver.SubmitAsync(patient, session, "dissociation", body, key: "tap-1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(
            JsonNode.Parse(await first.Content.ReadAsStringAsync())!.ToJsonString(),
            JsonNode.Parse(await second.Content.ReadAsStringAsync())!.ToJsonString());
        var events = (await driver.EventsAsync(session.Id))["events"]!.AsArray();
        Assert.Equal(before + 1, events.Count);

        var reused = await PatientDriver.SubmitAsync(patient, session, "perception", new JsonObject { ["acknowledged"] = true, ["contentHash"] = new string('a', 64) }, key: "tap-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
    }

    [Fact]
    public async Task TwoConcurrentDifferentSubmissionsForOneStep_OneWins_TheOtherGets409_AndSequenceHasNoGaps()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var step = (await driver.WalkAsync(patient, session, stopAt: "driving"))["step"]!.AsObject();

        var a = driver.DefaultAnswer(step);
        a["initials"] = "AA";
        var b = driver.DefaultAnswer(step);
        b["initials"] = "BB";
        var results = await Task.WhenAll(
            PatientDriver.SubmitAsync(patient, session, "driving", a),
            PatientDriver.SubmitAsync(patient, session, "driving", b));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], results.Select(r => r.StatusCode).Order().ToArray());
        var chain = await driver.EventsAsync(session.Id);
        Assert.True(chain["verified"]!.GetValue<bool>());
        var events = chain["events"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["seq"]!.GetValue<long>()));
        Assert.Single(events, e => e!["type"]!.GetValue<string>() == "DisclosureAcknowledged" && e["stepId"]!.GetValue<string>() == "driving");
    }

    [Fact]
    public async Task ChangingOneEventRowByHand_MakesVerificationNameThatSequenceNumber()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "perception");
        Assert.True((await driver.EventsAsync(session.Id))["verified"]!.GetValue<bool>());

        // Only the tables' owner (or a superuser) who deliberately switches off the append-only trigger can do this.
        await using (var db = await factory.OpenOwnerDatabaseAsync())
        {
            await using var tamper = new NpgsqlCommand("""
                ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete;
                UPDATE consent_events SET payload = jsonb_set(payload, '{initials}', '"XX"') WHERE session_id = @s AND seq = 3;
                ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete;
                """, db);
            tamper.Parameters.AddWithValue("s", session.Id);
            await tamper.ExecuteNonQueryAsync();
        }

        var chain = await driver.EventsAsync(session.Id);
        Assert.False(chain["verified"]!.GetValue<bool>());
        Assert.Equal(3, chain["brokenAtSeq"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnAuditorSeesEverySession_AndCannotActOnAny()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-4242");
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/sessions/{session.Id}")).StatusCode);
        var list = await auditor.GetFromJsonAsync<JsonArray>("/api/v1/sessions?mrn=MRN-4242");
        Assert.Single(list!);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/void", new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task AnotherClinician_CannotSeeOrVoidTheSession()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, "other.clinician@example.org", "another long password", "Other", "Clinician");
        }

        using var other = factory.CreateClient();
        other.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync("other.clinician@example.org", "another long password"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/sessions/{session.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/void", new { reason = "x" })).StatusCode);
        Assert.Equal("Invited", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
    }
}
