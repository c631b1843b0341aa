using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Hl7.Fhir.Serialization;

namespace Consent.Web.Tests.Sessions;

/// <summary>
/// Issue 16, who signs: a legally authorized representative (21 CFR 50.27(a)), an impartial witness with a patient's mark
/// (50.27(b)), an interpreter. Each arrangement is started through <c>POST /api/v1/sessions</c>, walked through the patient
/// API as an outside client would (one <c>signature</c> step per signer, each with <c>signer</c> and its own statement),
/// countersigned, and its signed record read with pdftotext and its FHIR bundle validated (performer, signature types).
/// </summary>
public sealed class SignerArrangementTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    private const string Representative = "Ana Pérez Ruiz";
    private const string Witness = "Thomas Okafor";
    private const string Interpreter = "Linh Tran";

    [Fact]
    public async Task ARepresentativeConsents_ThePatientAssents_AndTheRecordAndBundleSaySo()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await StartAsync(driver, new JsonObject
        {
            ["representative"] = new JsonObject
            {
                ["name"] = Representative, ["relationship"] = "daughter", ["authority"] = "health-care power of attorney",
                ["email"] = "ana.perez@example.org", ["identityCheck"] = "driver's license",
            },
            ["assent"] = true,
        });

        var signers = await WalkSigningAsync(driver, session, Representative, PatientDriver.PatientName);

        Assert.Equal(["representative", "patient"], signers.Select(s => s.Signer));
        Assert.Contains("legally authorized representative (daughter; health-care power of attorney)", signers[0].Statement, StringComparison.Ordinal);
        Assert.Contains("I agree to take part", signers[1].Statement, StringComparison.Ordinal);
        Assert.Equal(Representative, signers[0].Name);

        var (text, bundle) = await CountersignAndReadAsync(driver, session);
        Assert.Contains($"{Representative} Legally authorized representative", text, StringComparison.Ordinal);
        Assert.Contains("daughter; authority: health-care power of attorney; identity checked by: driver's license", text, StringComparison.Ordinal);
        Assert.Contains("Patient (assent)", text, StringComparison.Ordinal);
        Assert.Contains("Legally authorized representative: I am the patient's legally authorized representative", text, StringComparison.Ordinal);
        Assert.Contains("I give informed consent on the patient's behalf", text, StringComparison.Ordinal);
        Assert.Contains($"Signed by: {Representative}, legally authorized representative; {PatientDriver.PatientName}, patient (assent).", text, StringComparison.Ordinal);

        var consent = Resource(bundle, "Consent");
        var performer = consent["performer"]![0]!["reference"]!.GetValue<string>();
        var related = bundle["entry"]!.AsArray().Single(e => e!["fullUrl"]!.GetValue<string>() == performer)!["resource"]!;
        Assert.Equal("RelatedPerson", related["resourceType"]!.GetValue<string>());
        Assert.Equal(Representative, related["name"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(["1.2.840.10065.1.12.1.7", "1.2.840.10065.1.12.1.7", "1.2.840.10065.1.12.1.5"], SignatureTypes(bundle));
    }

    [Fact]
    public async Task AWitnessedConsent_SignedWithAMark_HasTheWitnessBlock_AndAConsentWitnessSignature()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await StartAsync(driver, new JsonObject { ["witness"] = new JsonObject { ["name"] = Witness } });
        var patient = await driver.VerifyAsync(session);
        var signing = await driver.WalkAsync(patient, session, stopAt: "sign");
        var step = signing["step"]!;
        Assert.Equal(("patient", true), (step["signer"]!.GetValue<string>(), step["acceptsMark"]!.GetValue<bool>()));

        // A mark needs strokes; without them it is refused and nothing is recorded.
        var empty = await PatientDriver.SubmitAsync(patient, session, "sign", new JsonObject { ["certify"] = true, ["mark"] = true, ["strokes"] = new JsonArray() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var mark = await PatientDriver.SubmitAsync(patient, session, "sign", new JsonObject
        {
            ["certify"] = true, ["mark"] = true, ["signer"] = "patient",
            ["strokes"] = new JsonArray(new JsonArray(new JsonArray(10, 10), new JsonArray(90, 90)), new JsonArray(new JsonArray(90, 10), new JsonArray(10, 90))),
        });
        Assert.Equal(HttpStatusCode.OK, mark.StatusCode);

        var witnessStep = (await PatientDriver.CurrentAsync(patient, session))["step"]!;
        Assert.Equal(("sign", "signature", "witness", Witness), (witnessStep["id"]!.GetValue<string>(), witnessStep["type"]!.GetValue<string>(),
            witnessStep["signer"]!.GetValue<string>(), witnessStep["signerName"]!.GetValue<string>()));
        Assert.Contains("I was present while the information was explained, and the patient appeared to understand it and freely agreed.",
            witnessStep["statement"]!.GetValue<string>(), StringComparison.Ordinal);
        // The witness cannot sign with a mark, nor can a stale form sign as the patient again.
        Assert.Equal(HttpStatusCode.BadRequest, (await SignAsync(patient, session, Witness, mark: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await SignAsync(patient, session, Witness, signer: "patient")).StatusCode);
        Assert.Equal("InProgress", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await SignAsync(patient, session, Witness, signer: "witness")).StatusCode);
        Assert.Equal("AwaitingCountersign", (await PatientDriver.CurrentAsync(patient, session))["sessionStatus"]!.GetValue<string>());

        var events = (await driver.EventsAsync(session.Id))["events"]!.AsArray();
        var signed = events.Where(e => e!["type"]!.GetValue<string>() is "PatientSigned" or "SignerSigned").ToList();
        Assert.Equal(["PatientSigned", "SignerSigned"], signed.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal("mark", signed[0]!["payload"]!["method"]!.GetValue<string>());
        Assert.Equal("witness", signed[1]!["payload"]!["signer"]!.GetValue<string>());

        var (text, bundle) = await CountersignAndReadAsync(driver, session);
        Assert.Contains("mark drawn by the patient before the witness", text, StringComparison.Ordinal);
        Assert.Contains($"{Witness} Impartial witness", text, StringComparison.Ordinal);
        Assert.Equal(["1.2.840.10065.1.12.1.7", "1.2.840.10065.1.12.1.11", "1.2.840.10065.1.12.1.5"], SignatureTypes(bundle));
        var patientUrl = bundle["entry"]!.AsArray().Single(e => e!["resource"]!["resourceType"]!.GetValue<string>() == "Patient")!["fullUrl"]!.GetValue<string>();
        Assert.Equal(patientUrl, Resource(bundle, "Consent")["performer"]![0]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnInterpretedConsent_InSpanish_HasTheInterpretersBlock_AndAnInterpreterSignature()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await StartAsync(driver, new JsonObject
        {
            ["interpreter"] = new JsonObject { ["name"] = Interpreter, ["language"] = "vietnamita", ["qualification"] = "CCHI 12345", ["mode"] = "phone" },
        }, language: "es");

        var signers = await WalkSigningAsync(driver, session, PatientDriver.PatientName, Interpreter);
        Assert.Equal(["patient", "interpreter"], signers.Select(s => s.Signer));
        Assert.Equal("Interpreté fielmente toda la sesión entre español y vietnamita, por teléfono.", signers[1].Statement);

        var (text, bundle) = await CountersignAndReadAsync(driver, session);
        Assert.Contains($"{Interpreter} Intérprete", text, StringComparison.Ordinal);
        Assert.Contains("vietnamita, por teléfono; acreditación: CCHI 12345", text, StringComparison.Ordinal);
        Assert.Equal(["1.2.840.10065.1.12.1.7", "1.2.840.10065.1.12.1.12", "1.2.840.10065.1.12.1.5"], SignatureTypes(bundle));
    }

    /// <summary>
    /// Before countersigning, the clinician's session page lists who signed and in what capacity, as the record's attestation
    /// will; a witness who typed another name than the one given at the start needs the clinician's confirmation there.
    /// </summary>
    [Fact]
    public async Task TheCountersignPage_ListsWhoSigned_AndAsksToConfirmAWitnessUnderAnotherName()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await StartAsync(driver, new JsonObject { ["witness"] = new JsonObject { ["name"] = Witness } });
        await WalkSigningAsync(driver, session, PatientDriver.PatientName, "T. Okafor-Smith");
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/clinician/sessions/{session.Id}"));
        Assert.Contains("Who signed", page, StringComparison.Ordinal);
        Assert.Contains($"{PatientDriver.PatientName}</strong>, patient", page, StringComparison.Ordinal);
        Assert.Contains("T. Okafor-Smith</strong>, impartial witness", page, StringComparison.Ordinal);
        Assert.Contains($"is “{Witness}”, as given at the start", page, StringComparison.Ordinal);

        var unconfirmed = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        var confirmed = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true, nameConfirmed = true });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }

    [Fact]
    public async Task APatientSigningAlone_SeesTheSameStepAsBefore_MarkedAsThePatients()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var step = (await driver.WalkAsync(patient, session, stopAt: "sign"))["step"]!;
        Assert.Equal("patient", step["signer"]!.GetValue<string>());
        Assert.Null(step["signerName"]);
        Assert.Null(step["acceptsMark"]);
        // A mark needs a witness.
        var mark = await PatientDriver.SubmitAsync(patient, session, "sign", new JsonObject
        {
            ["certify"] = true, ["mark"] = true, ["strokes"] = new JsonArray(new JsonArray(new JsonArray(10, 10), new JsonArray(90, 90))),
        });
        Assert.Equal(HttpStatusCode.BadRequest, mark.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignAsync(patient, session, PatientDriver.PatientName)).StatusCode);
        Assert.Equal("AwaitingCountersign", (await PatientDriver.CurrentAsync(patient, session))["sessionStatus"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"witness": {"name": "María José Pérez"}}""", "witness.name")]
    [InlineData("""{"witness": {"name": "Dr. Demo Clinician"}}""", "witness.name")]
    [InlineData("""{"witness": {}}""", "witness.name")]
    [InlineData("""{"representative": {"name": "Ana Pérez", "relationship": "daughter"}}""", "representative.authority")]
    [InlineData("""{"representative": {"name": "Ana Pérez", "relationship": "daughter", "authority": "guardian", "email": "not an email"}}""", "representative.email")]
    [InlineData("""{"interpreter": {"name": "Linh Tran", "qualification": "CCHI 1", "mode": "phone"}}""", "interpreter.language")]
    [InlineData("""{"interpreter": {"name": "Linh Tran", "language": "Vietnamese", "qualification": "CCHI 1", "mode": "fax"}}""", "interpreter.mode")]
    [InlineData("""{"assent": true}""", "assent")]
    [InlineData("""{"representative": {"name": "Ana Pérez", "relationship": "daughter", "authority": "guardian"}, "witness": {"name": "Ana Pérez"}}""", "witness.name")]
    public async Task BadSigners_AreA400NamingTheField_AndStartNothing(string signers, string field)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var body = JsonNode.Parse(signers)!.AsObject();
        var mrn = "MRN-BAD-" + Guid.NewGuid().ToString("N")[..8];
        body["workflowId"] = "ketamine-iv-depression";
        body["language"] = "en";
        body["patient"] = new JsonObject { ["name"] = PatientDriver.PatientName, ["dateOfBirth"] = PatientDriver.DateOfBirth, ["mrn"] = mrn };

        var response = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(problem["errors"]![field] is not null, problem.ToJsonString());
        Assert.Empty((await driver.Clinician.GetFromJsonAsync<JsonArray>($"/api/v1/sessions?mrn={mrn}"))!);
    }

    private sealed record Signing(string Signer, string Statement, string? Name);

    private static async Task<StartedSession> StartAsync(PatientDriver driver, JsonObject signers, string language = "en")
    {
        signers["workflowId"] = "ketamine-iv-depression";
        signers["language"] = language;
        signers["patient"] = new JsonObject { ["name"] = PatientDriver.PatientName, ["dateOfBirth"] = PatientDriver.DateOfBirth, ["mrn"] = "MRN-0042" };
        var response = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", signers);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var started = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var url = started["patientUrl"]!.GetValue<string>();
        return new StartedSession(started["id"]!.GetValue<Guid>(), url[(url.LastIndexOf('/') + 1)..], url);
    }

    /// <summary>Walks to the signature step, then signs as each signer in turn with the given names; what each signature step said.</summary>
    private static async Task<List<Signing>> WalkSigningAsync(PatientDriver driver, StartedSession session, params string[] names)
    {
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "sign");
        var seen = new List<Signing>();
        foreach (var name in names)
        {
            var step = (await PatientDriver.CurrentAsync(patient, session))["step"]!;
            Assert.Equal("signature", step["type"]!.GetValue<string>());
            seen.Add(new Signing(step["signer"]!.GetValue<string>(), step["statement"]!.GetValue<string>(), step["signerName"]?.GetValue<string>()));
            var signed = await SignAsync(patient, session, name);
            Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        }

        Assert.Equal("AwaitingCountersign", (await PatientDriver.CurrentAsync(patient, session))["sessionStatus"]!.GetValue<string>());
        return seen;
    }

    private static Task<HttpResponseMessage> SignAsync(HttpClient patient, StartedSession session, string name, string? signer = null, bool mark = false)
    {
        var body = new JsonObject
        {
            ["fullName"] = name, ["certify"] = true,
            ["strokes"] = new JsonArray(new JsonArray(new JsonArray(5, 5), new JsonArray(60, 30), new JsonArray(120, 10))),
        };
        if (signer is not null)
        {
            body["signer"] = signer;
        }
        if (mark)
        {
            body["mark"] = true;
        }
        return PatientDriver.SubmitAsync(patient, session, "sign", body);
    }

    private static async Task<(string Text, JsonNode Bundle)> CountersignAndReadAsync(PatientDriver driver, StartedSession session)
    {
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.True(countersign.StatusCode == HttpStatusCode.OK, await countersign.Content.ReadAsStringAsync());
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var json = await driver.Clinician.GetStringAsync($"/api/v1/sessions/{session.Id}/fhir");
        var parsed = new Hl7.Fhir.Serialization.FhirJsonDeserializer().Deserialize<Hl7.Fhir.Model.Bundle>(json);
        Assert.Empty(Consent.Records.Tests.Fhir.FhirValidation.Errors(parsed));
        return (RecordSessions.Text(pdf), JsonNode.Parse(json)!);
    }

    private static JsonNode Resource(JsonNode bundle, string type) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => r["resourceType"]!.GetValue<string>() == type);

    private static List<string> SignatureTypes(JsonNode bundle) =>
        [.. Resource(bundle, "Provenance")["signature"]!.AsArray().Select(s => s!["type"]![0]!["code"]!.GetValue<string>())];
}
