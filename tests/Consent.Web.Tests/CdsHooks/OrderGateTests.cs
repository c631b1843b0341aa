using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Records.Tests.Fhir;
using Consent.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// The consent gate from each side: staff ask it by patient id or by MRN and date of birth; an EHR discovers the
/// ketamine-consent CDS Service, calls it for a draft order and gets cards; an EHR or HIE searches FHIR Consent.
/// </summary>
public sealed class OrderGateTests(CdsFactory factory) : IClassFixture<CdsFactory>
{
    private const string Ketamine = "ketamine-iv-depression";

    [Fact]
    public async Task Discovery_ListsTheService_ForOrderSign_WithThePatientPrefetch()
    {
        using var client = factory.CreateClient();

        var services = (await client.GetFromJsonAsync<JsonObject>("/cds-services"))!["services"]!.AsArray();

        var orderSign = Assert.Single(services, s => s!["hook"]!.GetValue<string>() == "order-sign")!;
        Assert.Equal("ketamine-consent", orderSign["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(orderSign["description"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(orderSign["title"]!.GetValue<string>()));
        Assert.Equal("Patient/{{context.patientId}}", orderSign["prefetch"]!["patient"]!.GetValue<string>());
        Assert.Contains(services, s => s!["hook"]!.GetValue<string>() == "order-select");
    }

    [Fact]
    public async Task AnOrderForAnotherDrug_GetsNoCard_EvenWithoutPrefetch()
    {
        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("617993", "Amoxicillin 120 MG/ML Oral Suspension", null)));

        Assert.Empty(cards);
    }

    [Fact]
    public async Task AKetamineOrder_ForAPatientUnknownHere_IsCritical()
    {
        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient(mrn: "MRN-NOBODY"))));

        var card = Assert.Single(cards)!;
        Assert.Equal(("critical", "No valid consent"), (card["indicator"]!.GetValue<string>(), card["summary"]!.GetValue<string>()));
        Assert.Contains("**none**", card["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("http://localhost/clinician/patients", card["links"]![0]!["url"]!.GetValue<string>());
        Assert.Equal("absolute", card["links"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AKetamineOrder_WithoutThePrefetchedPatient_IsPreconditionFailed()
    {
        var response = await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", null));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ARequestThatIsNotAnOrderHook_IsABadRequest()
    {
        var request = CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient());
        request["hook"] = "patient-view";

        Assert.Equal(HttpStatusCode.BadRequest, (await factory.CallAsync(request)).StatusCode);
    }

    [Fact]
    public async Task ASignedConsent_WithoutACheckinToday_IsAWarning_AndTheGateSaysWhy()
    {
        var patientId = await factory.SignedAsync();

        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient())));

        var card = Assert.Single(cards)!;
        Assert.Equal(("warning", "No check-in today"), (card["indicator"]!.GetValue<string>(), card["summary"]!.GetValue<string>()));
        Assert.Equal($"http://localhost/clinician/patients/{patientId}", card["links"]![0]!["url"]!.GetValue<string>());

        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var gate = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow={Ketamine}"))!;
        Assert.False(gate["allowed"]!.GetValue<bool>());
        Assert.Equal("valid", gate["consent"]!["status"]!.GetValue<string>());
        Assert.Equal(64, gate["consent"]!["recordSha256"]!.GetValue<string>().Length);
        Assert.Equal(2, gate["consent"]!["version"]!.GetValue<int>()); // the newest version, with key information first
        Assert.Null(gate["checkin"]);
        Assert.Contains(gate["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("No check-in was cleared today", StringComparison.Ordinal));

        // A different MRN's birth date is someone else: the card never shows another person's consent.
        var other = await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient(birthDate: "1980-01-01"))));
        Assert.Equal("critical", Assert.Single(other)!["indicator"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheGateByMrn_IsPosted_AndAnswersAsByIdOrNotAtAll()
    {
        var patientId = await factory.SignedAsync();
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var found = await auditor.PostAsJsonAsync("/api/v1/gate/lookup", new { mrn = "mrn-0042", dateOfBirth = PatientDriver.DateOfBirth, workflow = Ketamine });
        var wrongBirth = await auditor.PostAsJsonAsync("/api/v1/gate/lookup", new { mrn = CdsFactory.Mrn, dateOfBirth = "1980-01-01", workflow = Ketamine });
        var invalid = await auditor.PostAsJsonAsync("/api/v1/gate/lookup", new { mrn = "", dateOfBirth = "30/06/1975", workflow = "no-such-workflow" });
        using var anonymous = factory.CreateClient();
        var unsigned = await anonymous.PostAsJsonAsync("/api/v1/gate/lookup", new { mrn = CdsFactory.Mrn, dateOfBirth = PatientDriver.DateOfBirth, workflow = Ketamine });

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var gate = (await found.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(patientId, gate["patientId"]!.GetValue<Guid>());
        Assert.Equal("valid", gate["consent"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, wrongBirth.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["dateOfBirth", "mrn", "workflow"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task TheGate_NamesAWorkflow_AndAPatientThatExist()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);

        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.GetAsync($"/api/v1/patients/{Guid.NewGuid()}/gate")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync($"/api/v1/patients/{Guid.NewGuid()}/gate?workflow={Ketamine}")).StatusCode);
    }

    [Fact]
    public async Task TheFhirSearch_IsAValidSearchset_OfThePatientsConsents()
    {
        await factory.SignedAsync();

        var active = await SearchAsync($"patient.identifier={Uri.EscapeDataString($"{CdsFactory.MrnSystem}|{CdsFactory.Mrn}")}&status=active&_sort=date");
        var inactive = await SearchAsync($"patient.identifier={Uri.EscapeDataString($"{CdsFactory.MrnSystem}|{CdsFactory.Mrn}")}&status=inactive");
        var otherSystem = await SearchAsync($"patient.identifier={Uri.EscapeDataString($"urn:other|{CdsFactory.Mrn}")}");

        Assert.Equal(Bundle.BundleType.Searchset, active.Type);
        Assert.Equal(1, active.Total);
        var consent = Assert.Single(active.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Resource as Hl7.Fhir.Model.Consent;
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, consent!.Status);
        var self = Assert.Single(active.Link, l => l.Relation == "self").Url;
        Assert.StartsWith("http://localhost/fhir/Consent?patient.identifier=", self, StringComparison.Ordinal);
        Assert.DoesNotContain("_sort", self, StringComparison.Ordinal); // not supported, so ignored and left out of self (FHIR R4 Search)
        var errors = FhirValidation.Errors(active);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(0, inactive.Total);
        Assert.Empty(inactive.Entry);
        Assert.Equal(0, otherSystem.Total);
    }

    [Fact]
    public async Task TheFhirSearch_RefusesStrictUnknownParameters_AndTokensForAnotherAudience()
    {
        using var client = factory.CreateClient();
        using var strict = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Consent?patient.identifier={CdsFactory.Mrn}&_sort=date");
        strict.Headers.Authorization = EhrClient.Bearer(factory.Ehr.Es384(EhrClient.Claims(CdsFactory.FhirAudience)));
        strict.Headers.Add("Prefer", "handling=strict");
        using var forCds = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Consent?patient.identifier={CdsFactory.Mrn}");
        forCds.Headers.Authorization = EhrClient.Bearer(factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience)));

        var strictResponse = await client.SendAsync(strict);
        var forCdsResponse = await client.SendAsync(forCds);
        var noToken = await client.GetAsync($"/fhir/Consent?patient.identifier={CdsFactory.Mrn}");

        Assert.Equal(HttpStatusCode.BadRequest, strictResponse.StatusCode);
        var outcome = new FhirJsonDeserializer().Deserialize<OperationOutcome>(await strictResponse.Content.ReadAsStringAsync());
        Assert.Contains("_sort", Assert.Single(outcome.Issue).Diagnostics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, forCdsResponse.StatusCode);
        Assert.Equal("Wrong audience", (await forCdsResponse.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    private async Task<Bundle> SearchAsync(string query)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Consent?{query}");
        request.Headers.Authorization = EhrClient.Bearer(factory.Ehr.Rs384(EhrClient.Claims(CdsFactory.FhirAudience)));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync());
    }
}
