using System.Net;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The third outside review, as the runtime role, against the FHIR bundle (<c>GET /api/v1/sessions/{id}/fhir</c>),
/// which rebuilt the record from the row and the events without checking either: a completed session's patient
/// renamed in the row (name, MRN, date of birth) gave an active Consent filed under another patient, with the
/// real signed PDF attached; an unsealed event appended to the chain answered 500. Both are 409 with an AUDIT ALERT.
/// </summary>
public sealed class FhirBindingTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    public static TheoryData<string> Changes => new()
    {
        "UPDATE consent_sessions SET patient_name = 'Other Person', patient_mrn = 'MRN-OTHER-9', patient_date_of_birth = date '1999-09-09' WHERE id = @id",
        "INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash) " +
            "SELECT id, last_seq + 1, 'AnswersRecorded', '{}'::jsonb, 'patient', now(), last_hash, repeat('f', 64) FROM consent_sessions WHERE id = @id",
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task AChangedRowOrAnAppendedEvent_GivesNoBundle_But409AndAnAlert(string change)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        Assert.Equal(HttpStatusCode.OK, (await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/fhir")).StatusCode);

        await RuntimeRoleSql.ChangeOneRowAsync(factory, change, session.Id);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var fhir = await auditor.GetAsync($"/api/v1/sessions/{session.Id}/fhir?kind=Consent");

        Assert.Equal(HttpStatusCode.Conflict, fhir.StatusCode);
        Assert.Equal("application/problem+json", fhir.Content.Headers.ContentType?.MediaType);
        var body = await fhir.Content.ReadAsStringAsync();
        Assert.DoesNotContain("MRN-OTHER-9", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: refused to describe", StringComparison.Ordinal) && l.Contains(session.Id.ToString(), StringComparison.Ordinal));
    }
}
