using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Sessions;

/// <summary>Every wrong move is a clear 4xx problem that changes nothing.</summary>
public sealed class PatientWrongMoveTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task WrongDateOfBirthFiveTimes_LocksTheLink_UntilTheClinicianReissuesIt()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var client = factory.CreateClient();
        for (var i = 1; i <= 4; i++)
        {
            var wrong = await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = "1980-01-01" });
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Equal(5 - i, JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["attemptsLeft"]!.GetValue<int>());
        }

        var fifth = await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = "1980-01-01" });
        Assert.Equal(HttpStatusCode.Locked, fifth.StatusCode);
        var right = await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = PatientDriver.DateOfBirth });
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);

        var reissued = await driver.Clinician.PostAsync($"/api/v1/sessions/{session.Id}/reissue-link", null);
        Assert.Equal(HttpStatusCode.OK, reissued.StatusCode);
        var url = JsonNode.Parse(await reissued.Content.ReadAsStringAsync())!["patientUrl"]!.GetValue<string>();
        var newToken = url[(url.LastIndexOf('/') + 1)..];
        Assert.NotEqual(session.Token, newToken);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = PatientDriver.DateOfBirth })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/patient/{newToken}/verify", new { dateOfBirth = PatientDriver.DateOfBirth })).StatusCode);
    }

    [Fact]
    public async Task BadTokens_AreNotFound_WithoutSayingWhy()
    {
        using var client = factory.CreateClient();
        foreach (var token in new[] { "short", new string('a', 43), "../../etc/passwd", new string('x', 5000) })
        {
            var response = await client.PostAsJsonAsync($"/api/v1/patient/{Uri.EscapeDataString(token)}/verify", new { dateOfBirth = "1975-06-30" });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task WrongSteps_BadPayloads_AndStaleText_AreRefused_AndRecordNothing()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var step = (await driver.WalkAsync(patient, session, stopAt: "dissociation"))["step"]!.AsObject();
        var before = (await driver.EventsAsync(session.Id))["events"]!.AsArray().Count;
        var hash = step["contentHash"]!.GetValue<string>();

        (string StepId, JsonObject Body, HttpStatusCode Expected)[] moves =
        [
            ("perception", new JsonObject { ["acknowledged"] = true, ["contentHash"] = hash }, HttpStatusCode.Conflict),
            ("no-such-step", new JsonObject { ["acknowledged"] = true }, HttpStatusCode.NotFound),
            ("dissociation", new JsonObject { ["acknowledged"] = false, ["contentHash"] = hash }, HttpStatusCode.BadRequest),
            ("dissociation", new JsonObject { ["acknowledged"] = "yes", ["contentHash"] = hash }, HttpStatusCode.BadRequest),
            ("dissociation", new JsonObject { ["acknowledged"] = true, ["contentHash"] = new string('b', 64) }, HttpStatusCode.Conflict),
            ("dissociation", new JsonObject { ["acknowledged"] = true }, HttpStatusCode.BadRequest),
            ("screening", new JsonObject { ["answers"] = new JsonObject { ["pregnant"] = false } }, HttpStatusCode.Conflict),
            ("identity", new JsonObject(), HttpStatusCode.BadRequest),
            ("countersign", new JsonObject(), HttpStatusCode.BadRequest),
        ];
        foreach (var (stepId, body, expected) in moves)
        {
            var response = await PatientDriver.SubmitAsync(patient, session, stepId, body);
            Assert.True(expected == response.StatusCode, $"{stepId} {body.ToJsonString()}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, (await driver.EventsAsync(session.Id))["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task SignatureWithAnotherName_IsTaken_AndTheClinicianMustConfirmWhoSigned()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        var step = (await driver.WalkAsync(patient, session, stopAt: "sign"))["step"]!.AsObject();
        var body = driver.DefaultAnswer(step);
        body["fullName"] = "Pepa Perez";
        Assert.Equal(HttpStatusCode.OK, (await PatientDriver.SubmitAsync(patient, session, "sign", body)).StatusCode);

        var blind = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.BadRequest, blind.StatusCode);
        Assert.Contains("nameConfirmed", await blind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("AwaitingCountersign", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
        var confirmed = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true, nameConfirmed = true });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("Completed", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatientTicketForOneSession_NeverOpensAnother()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var a = await driver.StartAsync();
        var b = await driver.StartAsync();
        var patientA = await driver.VerifyAsync(a);

        Assert.Equal(HttpStatusCode.Forbidden, (await patientA.GetAsync($"/api/v1/patient/{b.Token}/current")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await patientA.PostAsJsonAsync($"/api/v1/patient/{b.Token}/decline", new { reason = "x" })).StatusCode);
        Assert.Equal("Invited", (await driver.SessionAsync(b.Id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task WorkflowNotApprovedOrUnknownLanguage_CannotStartASession()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var unknown = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "no-such", language = "en", patient = new { name = "A B", dateOfBirth = "1970-01-01" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var language = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "fr", patient = new { name = "A B", dateOfBirth = "1970-01-01" } });
        Assert.Equal(HttpStatusCode.BadRequest, language.StatusCode);
        var future = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "en", patient = new { name = "A B", dateOfBirth = "2999-01-01" } });
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
    }
}
