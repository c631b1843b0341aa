using System.Net;
using System.Net.Http.Json;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The outside review's second finding: as the service's own database role it changed the session
/// row, which has no seal. Renaming the patient of a session waiting for its countersignature gave a
/// signed record naming someone else that every check called valid; writing the hash of a link it
/// chose let it verify and walk the patient's whole consent. The chain seals the patient's digest and
/// the link's hash, and every check compares the row with them.
/// </summary>
public sealed class SessionRowTamperTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task APatientRenamedInTheRow_IsNeverSigned_AndEveryCheckNamesTheSession()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-ROW-1");
        var patient = await driver.VerifyAsync(session);
        Assert.Equal("AwaitingCountersign", (await driver.WalkAsync(patient, session))["sessionStatus"]!.GetValue<string>());

        await RuntimeRoleSql.ChangeOneRowAsync(factory,
            "UPDATE consent_sessions SET patient_name = 'Someone Else Entirely', patient_date_of_birth = '1999-09-09', patient_mrn = 'MRN-OTHER' WHERE id = @id", session.Id);
        await RuntimeRoleSql.ExpectNeverSignedAsync(factory, driver, session.Id, "patient details");
    }

    [Fact]
    public async Task ALinkWrittenIntoTheRow_OpensNothing_AndEveryCheckNamesTheSession()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var chosen = new string('A', 43);
        await RuntimeRoleSql.ChangeOneRowAsync(factory, $"UPDATE consent_sessions SET link_token_hash = '{LinkTokens.Hash(chosen)}' WHERE id = @id", session.Id);

        using var outsider = factory.CreateClient();
        var verify = await outsider.PostAsJsonAsync($"/api/v1/patient/{chosen}/verify", new { dateOfBirth = PatientDriver.DateOfBirth });
        Assert.Equal(HttpStatusCode.Forbidden, verify.StatusCode);
        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: refused to open session", StringComparison.Ordinal) && l.Contains(session.Id.ToString(), StringComparison.Ordinal));

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Contains("patient link", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(await RuntimeRoleSql.AuditAsync(factory), f => f.SessionId == session.Id && f.What.Contains("patient link", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALinkTheClinicianReissues_IsSealed_AndOpensTheSession()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var reissued = await driver.Clinician.PostAsync($"/api/v1/sessions/{session.Id}/reissue-link", null);
        Assert.Equal(HttpStatusCode.OK, reissued.StatusCode);
        var url = (await reissued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("patientUrl").GetString()!;

        await driver.VerifyAsync(session with { Token = url[(url.LastIndexOf('/') + 1)..], PatientUrl = url });
        Assert.True((await driver.EventsAsync(session.Id))["verified"]!.GetValue<bool>());
        Assert.DoesNotContain(await RuntimeRoleSql.AuditAsync(factory), f => f.SessionId == session.Id);
    }
}
