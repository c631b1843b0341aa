using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Npgsql;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// The service with one trusted EHR (<see cref="EhrClient"/>), records signed in the background, the clinic in New York,
/// and the EHR's MRN system set. <see cref="SignedAsync"/> gives a patient (MRN-0042) with a signed ketamine consent, once.
/// Check-ins are the shipped <see cref="CheckinWorkflow"/>, which requires ketamine-iv-depression.
/// </summary>
public class CdsFactory : RecordsWebFactory
{
    public const string MrnSystem = "urn:oid:2.16.840.1.113883.3.9999.1";
    public const string Mrn = "MRN-0042";

    private readonly SemaphoreSlim signing = new(1, 1);
    private Guid? patientId;

    public const string CheckinWorkflow = "ketamine-iv-dose-checkin";

    public EhrClient Ehr { get; } = new();

    public const string CdsAudience = "http://localhost/cds-services/ketamine-consent";
    public const string FhirAudience = "http://localhost/fhir";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["CdsHooks:TrustedClientsPath"] = Ehr.TrustedClientsPath,
        ["CdsHooks:MrnSystem"] = MrnSystem,
    };

    /// <summary>The patient with a signed, countersigned and issued ketamine consent (made by the first caller).</summary>
    public async Task<Guid> SignedAsync()
    {
        await signing.WaitAsync();
        try
        {
            if (patientId is { } known)
            {
                return known;
            }

            var driver = await PatientDriver.CreateAsync(this);
            var session = await RecordSessions.CompleteAsync(driver);
            await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
            patientId = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{session.Id}"))!["patientId"]!.GetValue<Guid>();
            return patientId.Value;
        }
        finally
        {
            signing.Release();
        }
    }

    /// <summary>How many client token uses are stored: a refused call stores none.</summary>
    public async Task<long> TokenUsesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM client_token_uses", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Ehr.Dispose();
        signing.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// An order-sign request in the shape of the CDS Hooks 2.0 example (hookInstance, fhirServer, hook, context with
    /// userId, patientId, encounterId and draftOrders, and the prefetched Patient), for one MedicationRequest of
    /// <paramref name="rxnorm"/>; <paramref name="patient"/> null leaves prefetch out.
    /// </summary>
    public static JsonObject OrderSign(string rxnorm, string display, JsonObject? patient)
    {
        var request = new JsonObject
        {
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["fhirServer"] = "https://ehr.example.org/fhir",
            ["hook"] = "order-sign",
            ["context"] = new JsonObject
            {
                ["userId"] = "PractitionerRole/A2340113",
                ["patientId"] = "1288992",
                ["encounterId"] = "89284",
                ["draftOrders"] = new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["entry"] = new JsonArray(new JsonObject
                    {
                        ["resource"] = new JsonObject
                        {
                            ["resourceType"] = "MedicationRequest",
                            ["id"] = "smart-MedicationRequest-103",
                            ["status"] = "draft",
                            ["intent"] = "order",
                            ["medicationCodeableConcept"] = new JsonObject
                            {
                                ["coding"] = new JsonArray(new JsonObject
                                {
                                    ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = rxnorm, ["display"] = display,
                                }),
                                ["text"] = display,
                            },
                            ["subject"] = new JsonObject { ["reference"] = "Patient/1288992" },
                        },
                    }),
                },
            },
        };
        if (patient is not null)
        {
            request["prefetch"] = new JsonObject { ["patient"] = patient };
        }

        return request;
    }

    /// <summary>The prefetched Patient, as the EHR holds it: its id, birth date and the clinic's MRN.</summary>
    public static JsonObject Patient(string mrn = Mrn, string birthDate = PatientDriver.DateOfBirth) => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = "1288992",
        ["active"] = true,
        ["gender"] = "female",
        ["birthDate"] = birthDate,
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = MrnSystem, ["value"] = mrn }),
    };

    /// <summary>A CDS Hooks call signed by the trusted EHR (ES384), unless <paramref name="token"/> is given.</summary>
    public async Task<HttpResponseMessage> CallAsync(JsonObject request, string? token = null)
    {
        using var client = CreateClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/cds-services/ketamine-consent") { Content = JsonContent.Create(request) };
        message.Headers.Authorization = EhrClient.Bearer(token ?? Ehr.Es384(EhrClient.Claims(CdsAudience)));
        return await client.SendAsync(message);
    }

    public static async Task<JsonArray> CardsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["cards"]!.AsArray();
    }
}
