using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Sessions;

/// <summary>Whole consents through the public API, as the API contract (the OpenAPI document) describes them.</summary>
public sealed class ConsentFlowTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task SpanishConsent_FromStartToCountersign_IsCompletedWithAVerifiedChain()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(language: "es");
        var patient = await driver.VerifyAsync(session);

        var firstDisclosure = await driver.WalkAsync(patient, session, stopAt: "dissociation");
        var shown = firstDisclosure["step"]!;
        var template = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "templates", "disclosures", "es", "dissociation.md"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(template)), shown["contentHash"]!.GetValue<string>());
        Assert.Contains("disociación", shown["body"]!.GetValue<string>() + shown["title"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        var end = await driver.WalkAsync(patient, session);
        Assert.Equal("AwaitingCountersign", end["sessionStatus"]!.GetValue<string>());
        Assert.Null(end["step"]);

        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);

        var detail = await driver.SessionAsync(session.Id);
        Assert.Equal("Completed", detail["status"]!.GetValue<string>());
        Assert.Equal("es", detail["language"]!.GetValue<string>());

        var chain = await driver.EventsAsync(session.Id);
        Assert.True(chain["verified"]!.GetValue<bool>());
        var events = chain["events"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["seq"]!.GetValue<long>()));
        var types = events.Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal("SessionCreated", types[0]);
        Assert.Contains("IdentityVerified", types);
        Assert.Contains("AnswersRecorded", types);
        Assert.Contains("DisclosureAcknowledged", types);
        Assert.Contains("ComprehensionAttempted", types);
        Assert.Contains("PatientSigned", types);
        // The countersignature ends the consent; only the record's issue may follow it.
        Assert.Equal("ClinicianCountersigned", types.Last(t => t != "RecordIssued"));
    }

    [Fact]
    public async Task PregnancyYes_IsShownBackFirst_ChangingItGoesBack_AndConfirmingItEndsTheSessionAsReferred()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var stop = await driver.WalkAsync(patient, session, step => WithAnswer(driver, step, "pregnant", true), stopAt: "refer-pregnancy");

        // The patient endpoints present the confirmation before the stop, as the pages do.
        Assert.Equal("InProgress", stop["sessionStatus"]!.GetValue<string>());
        Assert.Equal("stop", stop["step"]!["type"]!.GetValue<string>());
        var shown = Assert.Single(stop["step"]!["confirm"]!.AsArray())!;
        Assert.Equal("pregnant", shown["questionId"]!.GetValue<string>());
        Assert.Equal("Yes", shown["answer"]!.GetValue<string>());
        var neither = await PatientDriver.SubmitAsync(patient, session, "refer-pregnancy", new JsonObject { ["confirm"] = false });
        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
        var changed = await PatientDriver.SubmitAsync(patient, session, "refer-pregnancy", new JsonObject { ["change"] = true });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("screening", (await PatientDriver.CurrentAsync(patient, session))["step"]!["id"]!.GetValue<string>());

        var end = await driver.WalkAsync(patient, session, step => WithAnswer(driver, step, "pregnant", true));

        Assert.Equal("Referred", end["sessionStatus"]!.GetValue<string>());
        Assert.Null(end["step"]);
        var types = (await driver.EventsAsync(session.Id))["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["AnswersRecorded", "AnswersReopened", "AnswersRecorded", "StopReached"],
            types.Where(t => t.StartsWith("Answers", StringComparison.Ordinal) || t == "StopReached"));
        Assert.Single(types, t => t == "DisclosureAcknowledged"); // the key information, read first; no risk disclosure after the referral
        Assert.Equal("Referred", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SubstanceUseYes_AddsTheExtraDisclosure_AndSigningWaitsForTheClinicianDiscussion()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var seen = new List<string>();
        var atSignature = await driver.WalkAsync(patient, session, step =>
        {
            seen.Add(step["id"]!.GetValue<string>());
            return WithAnswer(driver, step, "substance_use", true);
        }, stopAt: "sign");

        Assert.Contains("misuse-history", seen);
        Assert.False(string.IsNullOrEmpty(atSignature["step"]!["waitingFor"]?.GetValue<string>()));
        var early = await PatientDriver.SubmitAsync(patient, session, "sign", driver.DefaultAnswer(atSignature["step"]!.AsObject()));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        var holds = (await driver.SessionAsync(session.Id))["holds"]!.AsArray();
        Assert.Contains(holds, h => h!["stepId"]!.GetValue<string>() == "discuss-substance-use");
        var discussed = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/discussions",
            new { note = "Discussed past alcohol use; no current use; agreed on monitoring." });
        Assert.Equal(HttpStatusCode.OK, discussed.StatusCode);

        var end = await driver.WalkAsync(patient, session);
        Assert.Equal("AwaitingCountersign", end["sessionStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoFailedComprehensionAttempts_RequireAClinicianDiscussionBeforeSigning()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var quiz = (await driver.WalkAsync(patient, session, stopAt: "understanding"))["step"]!.AsObject();

        var wrong = new JsonObject
        {
            ["answers"] = new JsonObject(quiz["questions"]!.AsArray().Select(q => KeyValuePair.Create(
                q!["id"]!.GetValue<string>(),
                (JsonNode?)JsonValue.Create(q["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>())
                    .First(v => v != driver.QuizAnswer("understanding", q["id"]!.GetValue<string>())))))),
        };
        var first = await PatientDriver.SubmitAsync(patient, session, "understanding", wrong);
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(firstBody["passed"]!.GetValue<bool>());
        Assert.Equal(1, firstBody["attemptsLeft"]!.GetValue<int>());
        Assert.NotEmpty(firstBody["review"]!.AsArray());

        var second = await PatientDriver.SubmitAsync(patient, session, "understanding", wrong);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var holds = (await driver.SessionAsync(session.Id))["holds"]!.AsArray();
        Assert.Contains(holds, h => h!["kind"]!.GetValue<string>() == "Comprehension");

        var atSignature = await driver.WalkAsync(patient, session, stopAt: "sign");
        var early = await PatientDriver.SubmitAsync(patient, session, "sign", driver.DefaultAnswer(atSignature["step"]!.AsObject()));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/discussions", new { note = "Went through driving and monitoring again; patient explained both back." });
        Assert.Equal("AwaitingCountersign", (await driver.WalkAsync(patient, session))["sessionStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task DecliningMidway_EndsAsDeclined_WithTheReasonRecorded()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "breathing");

        var declined = await patient.PostAsJsonAsync($"/api/v1/patient/{session.Token}/decline", new { reason = "I want to talk to my family first." });
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        var current = await PatientDriver.CurrentAsync(patient, session);
        Assert.Equal("Declined", current["sessionStatus"]!.GetValue<string>());
        Assert.Null(current["step"]);

        // The declined summary record may already have been issued after it, so look the event up.
        var last = (await driver.EventsAsync(session.Id))["events"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "Declined")!;
        Assert.Equal("patient", last["actor"]!.GetValue<string>());
        Assert.Contains("family", last["payload"]!.ToJsonString(), StringComparison.Ordinal);

        var after = await PatientDriver.SubmitAsync(patient, session, "breathing", new JsonObject { ["acknowledged"] = true, ["contentHash"] = new string('0', 64) });
        Assert.Equal(HttpStatusCode.Conflict, after.StatusCode);
    }

    private static JsonObject WithAnswer(PatientDriver driver, JsonObject step, string questionId, bool value)
    {
        var body = driver.DefaultAnswer(step);
        if (body["answers"] is JsonObject answers && answers.ContainsKey(questionId) && step["type"]!.GetValue<string>() == "questions")
        {
            answers[questionId] = value;
        }

        return body;
    }
}
