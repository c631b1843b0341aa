using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Records.Tests.Infrastructure;
using Consent.Web.Tests.CdsHooks;
using Consent.Web.Tests.Infrastructure;
using Hl7.Fhir.Serialization;
using static Consent.Web.Tests.CdsHooks.CheckinSteps;

namespace Consent.Web.Tests.Records;

/// <summary>A service of its own for check-in records, so its check-ins touch no other test's patient.</summary>
public sealed class CheckinRecordFactory : CdsFactory;

/// <summary>
/// Issue 14: a dose-day check-in that ends (cleared, cleared by a clinician after a hold, or not today) gets a one-page signed
/// record in the session's language, naming the consent record it relies on by SHA-256 and the chain's last hash; the FHIR
/// export is a QuestionnaireResponse linked to that consent by a Provenance.
/// </summary>
public sealed class CheckinRecordTests(CheckinRecordFactory factory) : IClassFixture<CheckinRecordFactory>
{
    private const string Checkin = CdsFactory.CheckinWorkflow;

    [Fact]
    public async Task EachEndedCheckin_GetsAOnePageSignedRecord_NamingTheConsentItReliesOn()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var clinician = driver.Clinician;
        var consent = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!["consents"]!.AsArray()
            .Single(c => c!["workflowId"]!.GetValue<string>() == "ketamine-iv-depression")!;
        var consentSha = consent["recordSha256"]!.GetValue<string>();
        using var anonymous = factory.CreateClient();
        using var certificate = X509Certificate2.CreateFromPem(await anonymous.GetStringAsync("/api/v1/records/certificate"));

        // Cleared at once: nothing to report.
        var cleared = await StartAsync(clinician, patientId, "en");
        await driver.WalkAsync(await driver.VerifyAsync(cleared), cleared, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(clinician, cleared, systolic: 122, rideConfirmed: true);
        var pdf = await RecordSessions.WaitForRecordAsync(clinician, cleared.Id, "checkin");
        var text = Check(pdf, certificate, cleared.Id);
        Assert.Contains("Dose-day check-in record", text, StringComparison.Ordinal);
        Assert.Contains("Check-in before your ketamine dose", text, StringComparison.Ordinal);
        Assert.Contains("ketamine-iv-dose-checkin, version 1", text, StringComparison.Ordinal);
        Assert.Contains(PatientDriver.PatientName, text, StringComparison.Ordinal);
        Assert.Contains(PatientDriver.DateOfBirth, text, StringComparison.Ordinal);
        Assert.Contains(consentSha, text, StringComparison.Ordinal);
        Assert.Contains("I still agree to this treatment today.", text, StringComparison.Ordinal);
        Assert.Contains("Yes, the patient still agrees", text, StringComparison.Ordinal);
        Assert.Contains("Systolic blood pressure", text, StringComparison.Ordinal);
        Assert.Contains("122 mmHg", text, StringComparison.Ordinal);
        Assert.Contains("Dr. Demo Clinician", text, StringComparison.Ordinal);
        Assert.Contains("Cleared for today's dose", text, StringComparison.Ordinal);
        Assert.Contains(await LastHashBeforeRecordAsync(clinician, cleared.Id), text, StringComparison.Ordinal);

        // Held for the ride home, then cleared by the clinician after a discussion.
        var released = await StartAsync(clinician, patientId, "en");
        await driver.WalkAsync(await driver.VerifyAsync(released), released, step => Answer(step, rideHome: false, agrees: true));
        await StaffCheckAsync(clinician, released, systolic: 118, rideConfirmed: false);
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync($"/api/v1/sessions/{released.Id}/checkin-decision",
            new { decision = "cleared", note = "Her sister will drive her; confirmed by phone.", password = ConsentWebFactory.DemoPassword })).StatusCode);
        text = Check(await RecordSessions.WaitForRecordAsync(clinician, released.Id, "checkin"), certificate, released.Id);
        Assert.Contains("Cleared after discussion", text, StringComparison.Ordinal);
        Assert.Contains("You cannot drive after a dose", text, StringComparison.Ordinal);
        Assert.Contains("Her sister will drive her; confirmed by phone.", text, StringComparison.Ordinal);
        Assert.Contains("Signed electronically by password re-entry", text, StringComparison.Ordinal);
        Assert.Contains(consentSha, text, StringComparison.Ordinal);

        // In Spanish, held for blood pressure, and the clinician decides: not today.
        var notToday = await StartAsync(clinician, patientId, "es");
        await driver.WalkAsync(await driver.VerifyAsync(notToday), notToday, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(clinician, notToday, systolic: 168, rideConfirmed: true);
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync($"/api/v1/sessions/{notToday.Id}/checkin-decision",
            new { decision = "not-today", note = "Presión 168/78 dos veces; volver el jueves.", password = ConsentWebFactory.DemoPassword })).StatusCode);
        text = Check(await RecordSessions.WaitForRecordAsync(clinician, notToday.Id, "checkin"), certificate, notToday.Id);
        Assert.Contains("Registro de la verificación del día de la dosis", text, StringComparison.Ordinal);
        Assert.Contains("Sigo de acuerdo con este tratamiento hoy.", text, StringComparison.Ordinal);
        Assert.Contains("Hoy no", text, StringComparison.Ordinal);
        Assert.Contains("Presión arterial sistólica: 168 mmHg", text, StringComparison.Ordinal);
        Assert.Contains("Presión 168/78 dos veces; volver el jueves.", text, StringComparison.Ordinal);
        Assert.Contains(consentSha, text, StringComparison.Ordinal);

        // A patient who no longer agrees: held, with no record until a clinician decides.
        var noLonger = await StartAsync(clinician, patientId, "en");
        await driver.WalkAsync(await driver.VerifyAsync(noLonger), noLonger, step => Answer(step, rideHome: true, agrees: false));
        Assert.Equal("Held", (await driver.SessionAsync(noLonger.Id))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync($"/api/v1/sessions/{noLonger.Id}/checkin-decision",
            new { decision = "not-today", note = "Does not want the dose today; we talked about stopping.", password = ConsentWebFactory.DemoPassword })).StatusCode);
        text = Check(await RecordSessions.WaitForRecordAsync(clinician, noLonger.Id, "checkin"), certificate, noLonger.Id);
        Assert.Contains("No: the patient no longer agrees to this treatment today", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCheckinsFhirExport_IsAQuestionnaireResponse_LinkedToTheConsentItReliesOn()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var clinician = driver.Clinician;
        var consent = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!["consents"]!.AsArray()
            .Single(c => c!["workflowId"]!.GetValue<string>() == "ketamine-iv-depression")!;
        var checkin = await StartAsync(clinician, patientId, "en");
        await driver.WalkAsync(await driver.VerifyAsync(checkin), checkin, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(clinician, checkin, systolic: 121, rideConfirmed: true);
        await RecordSessions.WaitForRecordAsync(clinician, checkin.Id, "checkin");

        var response = await clinician.GetAsync($"/api/v1/sessions/{checkin.Id}/fhir?kind=checkin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        var bundle = JsonNode.Parse(json)!;
        var resources = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        Assert.DoesNotContain(resources, r => r["resourceType"]!.GetValue<string>() == "Consent");
        var answers = Assert.Single(resources, r => r["resourceType"]!.GetValue<string>() == "QuestionnaireResponse");
        Assert.Equal("completed", answers["status"]!.GetValue<string>());
        Assert.Contains(consent["recordSha256"]!.GetValue<string>(), answers.ToJsonString(), StringComparison.Ordinal);
        var provenance = Assert.Single(resources, r => r["resourceType"]!.GetValue<string>() == "Provenance");
        var source = Assert.Single(provenance["entity"]!.AsArray())!;
        Assert.Equal("source", source["role"]!.GetValue<string>());
        Assert.Equal(consent["sessionId"]!.GetValue<string>(), source["what"]!["identifier"]!["value"]!.GetValue<string>());
        var parsed = new Hl7.Fhir.Serialization.FhirJsonDeserializer().Deserialize<Hl7.Fhir.Model.Bundle>(json);
        Assert.Empty(Consent.Records.Tests.Fhir.FhirValidation.Errors(parsed));
    }

    [Fact]
    public async Task ACheckin_AppearsInTheTimeline_TheAuditSearch_AndTheExport_AsACheckin()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var clinician = driver.Clinician;
        var consent = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!["consents"]!.AsArray()
            .Single(c => c!["workflowId"]!.GetValue<string>() == "ketamine-iv-depression")!;
        var consentSession = consent["sessionId"]!.GetValue<string>();
        var consentSha = consent["recordSha256"]!.GetValue<string>();
        var checkin = await StartAsync(clinician, patientId, "en");
        await driver.WalkAsync(await driver.VerifyAsync(checkin), checkin, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(clinician, checkin, systolic: 119, rideConfirmed: true);
        var pdf = await RecordSessions.WaitForRecordAsync(clinician, checkin.Id, "checkin");

        // The timeline (API): the check-in is a check-in, names the consent it relied on, and lists its record.
        var timeline = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}"))!["sessions"]!.AsArray();
        var entry = timeline.Single(s => s!["id"]!.GetValue<Guid>() == checkin.Id)!;
        Assert.Equal("checkin", entry["kind"]!.GetValue<string>());
        Assert.Equal(consentSession, entry["reliesOn"]!["sessionId"]!.GetValue<string>());
        Assert.Equal(consentSha, entry["reliesOn"]!["recordSha256"]!.GetValue<string>());
        Assert.Equal("Checkin", Assert.Single(entry["records"]!.AsArray())!["kind"]!.GetValue<string>());
        Assert.Equal("consent", timeline.Single(s => s!["id"]!.GetValue<string>() == consentSession)!["kind"]!.GetValue<string>());

        // The auditor's patient page says check-in and links the consent's record.
        using var browser = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var page = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync($"/audit/patients/{patientId}"));
        Assert.Contains("Check-in: Check-in before your ketamine dose", page, StringComparison.Ordinal);
        Assert.Contains($"Relies on the consent record of session <a href=\"#session-{consentSession}\">", page, StringComparison.Ordinal);
        Assert.Contains(consentSha, page, StringComparison.Ordinal);

        // The auditor's search, by the API and on the page: narrowed to check-ins, each row says which it is.
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var checkins = (await auditor.GetFromJsonAsync<JsonArray>("/api/v1/sessions?kind=checkin&limit=500"))!;
        Assert.Contains(checkins, s => s!["id"]!.GetValue<Guid>() == checkin.Id);
        Assert.All(checkins, s => Assert.Equal("checkin", s!["kind"]!.GetValue<string>()));
        var consents = (await auditor.GetFromJsonAsync<JsonArray>("/api/v1/sessions?kind=consent&limit=500"))!;
        Assert.DoesNotContain(consents, s => s!["id"]!.GetValue<Guid>() == checkin.Id);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync("/api/v1/sessions?kind=dose")).StatusCode);
        var search = await PageForms.PostAsync(browser, "/audit", new Dictionary<string, string>
        {
            ["Search.From"] = "", ["Search.To"] = "", ["Search.WorkflowId"] = "", ["Search.Status"] = "", ["Search.Mrn"] = CdsFactory.Mrn,
            ["Search.Name"] = "", ["Search.Kind"] = "checkin",
        });
        var results = System.Net.WebUtility.HtmlDecode(await search.Content.ReadAsStringAsync());
        Assert.Contains($"/audit/sessions/{checkin.Id}", results, StringComparison.Ordinal);
        Assert.DoesNotContain($"/audit/sessions/{consentSession}", results, StringComparison.Ordinal);
        Assert.Contains("<td>Check-in</td>", results, StringComparison.Ordinal);

        // The export: the check-in record with its kind and the consent record it relied on.
        using var zip = await RecordExportTests.ExportAsync(auditor, "/api/v1/exports/records.zip");
        var line = RecordExportTests.Manifest(zip).Single(l => l["session_id"] == checkin.Id.ToString("D"));
        Assert.Equal("Checkin", line["kind"]);
        Assert.Equal("Cleared", line["session_status"]);
        Assert.NotEqual("", line["completed_at"]);
        Assert.Equal(consentSha, line["relies_on_sha256"]);
        Assert.Equal(RecordSessions.Sha256(pdf), line["sha256"]);
        Assert.Equal(pdf, RecordExportTests.Bytes(zip, line["file"]));
        Assert.Equal("", RecordExportTests.Manifest(zip).Single(l => l["session_id"] == consentSession && l["kind"] == "Consent")["relies_on_sha256"]);
    }

    [Fact]
    public void TheInterpretersNoteLimit_IsTheOneTheOnePageLayoutIsTestedFor() =>
        Assert.Equal(CheckinDetails.MaxNoteLength, Consent.Workflows.CheckinLimits.MaxDecisionNoteLength);

    /// <summary>Signed and trusted, a check-in record, one page, and clean for qpdf; its text as pdftotext reads it.</summary>
    private static string Check(byte[] pdf, X509Certificate2 certificate, Guid sessionId)
    {
        var verification = RecordVerifier.Verify(pdf, certificate);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(RecordKind.Checkin, verification.Kind);
        Assert.Equal(sessionId, verification.SessionId);
        var path = ExternalTool.TempFile(pdf);
        var qpdf = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(qpdf.ExitCode == 0 && !qpdf.All.Contains("WARNING", StringComparison.Ordinal), qpdf.All);
        Assert.Equal("1", ExternalTool.Run("qpdf", "--show-npages", path).Output.Trim());
        return RecordSessions.Text(pdf);
    }

    /// <summary>The hash of the last event before the record was issued: the check-in's end, the chain head the record covers.</summary>
    private static async Task<string> LastHashBeforeRecordAsync(HttpClient staff, Guid sessionId)
    {
        var events = JsonNode.Parse(await staff.GetStringAsync($"/api/v1/sessions/{sessionId}/events"))!["events"]!.AsArray();
        return events.Last(e => e!["type"]!.GetValue<string>() != "RecordIssued")!["hash"]!.GetValue<string>();
    }
}
