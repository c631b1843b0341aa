using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Records;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// <c>GET /fhir/Consent</c> as an EHR reads it: the Patient carries the MRN under the system the EHR searched with
/// (<c>CdsHooks:MrnSystem</c>), and only consent sessions are listed, never a dose-day check-in (kind checkin), even one
/// that ended with a record a consent session can end with too (declined).
/// </summary>
public sealed class FhirConsentSearchTests(CdsFactory factory) : IClassFixture<CdsFactory>
{
    [Fact]
    public async Task ThePatient_CarriesTheMrn_UnderTheConfiguredSystem()
    {
        await factory.SignedAsync();

        var bundle = await SearchAsync();

        var patients = bundle.Entry.Select(e => e.Resource).OfType<Patient>().ToList();
        Assert.NotEmpty(patients);
        Assert.All(patients, p => Assert.Equal((CdsFactory.MrnSystem, CdsFactory.Mrn), (Assert.Single(p.Identifier).System, p.Identifier[0].Value)));
    }

    private async Task<Bundle> SearchAsync()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/fhir/Consent?patient.identifier={Uri.EscapeDataString($"{CdsFactory.MrnSystem}|{CdsFactory.Mrn}")}");
        request.Headers.Authorization = EhrClient.Bearer(factory.Ehr.Es384(EhrClient.Claims(CdsFactory.FhirAudience)));
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync());
    }
}
