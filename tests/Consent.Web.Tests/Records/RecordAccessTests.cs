using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Consent.Records.Tests.Fhir;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Records;

/// <summary>Who may fetch a record, its FHIR bundle and the certificate, and what they get before it exists.</summary>
public sealed class RecordAccessTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task BeforeTheSessionEnds_TheRecordIsA404Problem()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();

        var response = await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No record yet", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/fhir")).StatusCode);
    }

    [Fact]
    public async Task AVoidedSession_NeverGetsARecord_AndThe404SaysSo()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/void", new { reason = "Wrong patient." })).StatusCode);

        var response = await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("A Voided session has no signed record.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOwningClinicianAndAuditors_GetTheSameFile_OtherCliniciansGet404()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var download = await auditor.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        // Named for the patient (María José Pérez) and the day, so a person finds it again (AuditDownloadsTests pins the day).
        Assert.Matches(@"^consent-MJP-\d{4}-\d{2}-\d{2}-consent\.pdf$", download.Content.Headers.ContentDisposition?.FileName ?? "");
        Assert.Equal($"\"{RecordSessions.Sha256(pdf)}\"", download.Headers.ETag?.Tag);
        Assert.True(download.Headers.CacheControl?.NoStore);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());

        using var otherClinician = await OtherClinicianAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await otherClinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherClinician.GetAsync($"/api/v1/sessions/{session.Id}/fhir")).StatusCode);
    }

    [Fact]
    public async Task AnUnknownKind_IsA400_AndAKindNotIssued_IsA404()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        Assert.Equal(HttpStatusCode.BadRequest, (await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf?kind=everything")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf?kind=Withdrawal")).StatusCode);
    }

    [Fact]
    public async Task ThePatient_DownloadsTheirOwnCopy_WithTheirTicketOnly()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        // The ticket from the date-of-birth check made during the session (an ended session takes no new check).
        var (session, patient) = await RecordSessions.CompleteWithPatientAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        var own = await patient.GetAsync($"/api/v1/patient/{session.Token}/record.pdf");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(pdf, await own.Content.ReadAsByteArrayAsync());

        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/patient/{session.Token}/record.pdf")).StatusCode);
        var other = await driver.StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await patient.GetAsync($"/api/v1/patient/{other.Token}/record.pdf")).StatusCode);
        var otherPatient = await driver.VerifyAsync(other);
        Assert.Equal(HttpStatusCode.NotFound, (await otherPatient.GetAsync($"/api/v1/patient/{other.Token}/record.pdf")).StatusCode);
    }

    [Fact]
    public async Task TheCertificate_IsPublic_AndIsTheOneRecordsAreSignedWith()
    {
        using var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync("/api/v1/records/certificate");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-pem-file", response.Content.Headers.ContentType?.MediaType);
        using var served = X509Certificate2.CreateFromPem(await response.Content.ReadAsStringAsync());
        Assert.Equal(factory.Services.GetRequiredService<RecordSigning>().Certificate.Thumbprint, served.Thumbprint);
        Assert.False(served.HasPrivateKey);
    }

    [Fact]
    public async Task TheFhirBundle_CarriesTheStoredPdf_AndValidatesAgainstR4()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver, "es");
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var response = await auditor.GetAsync($"/api/v1/sessions/{session.Id}/fhir");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync());
        var errors = FhirValidation.Errors(bundle);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var consent = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Consent>().Single();
        Assert.Equal(pdf, Assert.IsType<Attachment>(consent.Source).Data);
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, consent.Status);
        Assert.Contains(session.Id.ToString(), consent.Identifier.Select(i => i.Value));
        var answers = bundle.Entry.Select(e => e.Resource).OfType<QuestionnaireResponse>().Single();
        Assert.NotEmpty(answers.Item);
        Assert.Equal(2, bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Single().Signature.Count);
    }

    private async Task<HttpClient> OtherClinicianAsync()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var email = $"clinician-{Guid.NewGuid():N}@example.org";
        await StaffAccounts.CreateAsync(factory, admin, email, "another-long-password-7", "Dr. Other Clinician", "Clinician");
        var login = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password = "another-long-password-7" });
        var token = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accessToken"]!.GetValue<string>();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
