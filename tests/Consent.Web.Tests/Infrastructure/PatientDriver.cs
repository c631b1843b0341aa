using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>Starts sessions as the demo clinician and walks them as a patient would, through the public API.</summary>
public sealed class PatientDriver(ConsentWebFactory factory, HttpClient clinician)
{
    public const string PatientName = "María José Pérez";
    public const string DateOfBirth = "1975-06-30";

    public static async Task<PatientDriver> CreateAsync(ConsentWebFactory factory) =>
        new(factory, await factory.ClientForAsync(Staff.Clinician));

    public HttpClient Clinician { get; } = clinician;

    public async Task<StartedSession> StartAsync(string workflowId = "ketamine-iv-depression", string language = "en", string? mrn = null)
    {
        var response = await Clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId, language, patient = new { name = PatientName, dateOfBirth = DateOfBirth, mrn },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var url = body.GetProperty("patientUrl").GetString()!;
        return new StartedSession(body.GetProperty("id").GetGuid(), url[(url.LastIndexOf('/') + 1)..], url);
    }

    /// <summary>A patient client verified for the session (bearer ticket set).</summary>
    public async Task<HttpClient> VerifyAsync(StartedSession session)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = DateOfBirth });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ticket = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ticket);
        return client;
    }

    public static async Task<JsonObject> CurrentAsync(HttpClient patient, StartedSession session)
    {
        var response = await patient.GetAsync($"/api/v1/patient/{session.Token}/current");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient patient, StartedSession session, string stepId, JsonObject body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patient/{session.Token}/steps/{stepId}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await patient.SendAsync(request);
    }

    /// <summary>
    /// Answers each step as <paramref name="answer"/> says (default: a careful patient with no risk
    /// factors who knows every quiz answer) until <paramref name="stopAt"/> or nothing is left.
    /// </summary>
    public async Task<JsonObject> WalkAsync(HttpClient patient, StartedSession session, Func<JsonObject, JsonObject?>? answer = null, string? stopAt = null)
    {
        for (var i = 0; i < 100; i++)
        {
            var current = await CurrentAsync(patient, session);
            if (current["step"] is not JsonObject step || step["id"]!.GetValue<string>() == stopAt)
            {
                return current;
            }

            var body = answer?.Invoke(step) ?? DefaultAnswer(step);
            var response = await SubmitAsync(patient, session, step["id"]!.GetValue<string>(), body);
            Assert.True(response.IsSuccessStatusCode, $"step {step["id"]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        throw new InvalidOperationException("More than 100 steps.");
    }

    public JsonObject DefaultAnswer(JsonObject step) => step["type"]!.GetValue<string>() switch
    {
        "questions" => new JsonObject
        {
            ["answers"] = new JsonObject(step["questions"]!.AsArray().Select(q => KeyValuePair.Create(
                q!["id"]!.GetValue<string>(),
                (JsonNode?)(q["kind"]!.GetValue<string>() switch
                {
                    "yes-no" => JsonValue.Create(false),
                    "single-choice" => JsonValue.Create(q["options"]![0]!["value"]!.GetValue<string>()),
                    _ => JsonValue.Create("none"),
                })))),
        },
        "disclosure" => new JsonObject
        {
            ["acknowledged"] = true,
            ["contentHash"] = step["contentHash"]!.GetValue<string>(),
            ["initials"] = step["acknowledge"]?.GetValue<string>() == "initials" ? "MJP" : null,
        },
        "comprehension" => new JsonObject
        {
            ["answers"] = new JsonObject(step["questions"]!.AsArray().Select(q => KeyValuePair.Create(
                q!["id"]!.GetValue<string>(), (JsonNode?)JsonValue.Create(QuizAnswer(step["id"]!.GetValue<string>(), q["id"]!.GetValue<string>()))))),
        },
        "ask" => new JsonObject { ["done"] = true },
        "stop" => new JsonObject { ["confirm"] = true },
        "signature" => new JsonObject
        {
            ["fullName"] = PatientName,
            ["certify"] = true,
            ["strokes"] = new JsonArray(new JsonArray(new JsonArray(5, 5), new JsonArray(60, 30), new JsonArray(120, 10))),
        },
        var other => throw new InvalidOperationException($"Unexpected patient step type {other}"),
    };

    public string QuizAnswer(string stepId, string questionId)
    {
        var registry = factory.Services.GetRequiredService<WorkflowRegistry>();
        return registry.Catalog.Workflows.SelectMany(w => w.Definition.Steps).OfType<ComprehensionStep>()
            .Where(s => s.Id == stepId).SelectMany(s => s.Questions).First(q => q.Id == questionId).Answer;
    }

    public async Task<JsonObject> SessionAsync(Guid id) =>
        JsonNode.Parse(await Clinician.GetStringAsync($"/api/v1/sessions/{id}"))!.AsObject();

    public async Task<JsonObject> EventsAsync(Guid id) =>
        JsonNode.Parse(await Clinician.GetStringAsync($"/api/v1/sessions/{id}/events"))!.AsObject();
}

/// <summary>A started session: its id, the link token, the full patient URL.</summary>
public sealed record StartedSession(Guid Id, string Token, string PatientUrl);
