using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Consent.Benchmarks;

/// <summary>
/// <c>seed BASE_URL COUNT SESSIONS.tsv STEPS.tsv</c>, for benchmarks/load/run.sh: through the public
/// API (as the demo clinician, password in CONSENT_DEMO_PASSWORD), starts COUNT English sessions of
/// ketamine-iv-depression, verifies each patient and answers screening (no risk factors), so each
/// session waits at its first disclosure. Writes "token TAB patient ticket" per session, and the
/// disclosure steps in order ("step id TAB content hash TAB checkbox|initials"), learned by walking
/// one probe session through them.
/// </summary>
public static class LoadSeeder
{
    const string DateOfBirth = "1975-06-30";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: seed BASE_URL COUNT SESSIONS.tsv STEPS.tsv");
            return 2;
        }

        var count = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16 };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(args[1]), Timeout = TimeSpan.FromSeconds(60) };
        var password = Environment.GetEnvironmentVariable("CONSENT_DEMO_PASSWORD") ?? throw new InvalidOperationException("Set CONSENT_DEMO_PASSWORD.");
        var login = await Json(await http.PostAsJsonAsync("/api/v1/auth/login", new { email = "clinician@example.org", password }));
        var clinician = new AuthenticationHeaderValue("Bearer", login["accessToken"]!.GetValue<string>());

        var probe = await StartAsync(http, clinician);
        // Disclosures before the screening (a workflow's key-information page) are acknowledged by every session.
        var before = new List<JsonObject>();
        var screening = await CurrentStepAsync(http, probe);
        while (screening["type"]!.GetValue<string>() == "disclosure")
        {
            before.Add(Acknowledgment(screening));
            await SubmitAsync(http, probe, screening["id"]!.GetValue<string>(), Body(before[^1]));
            screening = await CurrentStepAsync(http, probe);
        }

        var answers = new JsonObject(screening["questions"]!.AsArray().Select(q => KeyValuePair.Create(
            q!["id"]!.GetValue<string>(), (JsonNode?)JsonValue.Create(false))));
        await SubmitAsync(http, probe, screening["id"]!.GetValue<string>(), new JsonObject { ["answers"] = answers.DeepClone() });
        var steps = new List<string>();
        for (var step = await CurrentStepAsync(http, probe); step["type"]!.GetValue<string>() == "disclosure"; step = await CurrentStepAsync(http, probe))
        {
            var id = step["id"]!.GetValue<string>();
            var hash = step["contentHash"]!.GetValue<string>();
            var acknowledge = step["acknowledge"]?.GetValue<string>() ?? "checkbox";
            steps.Add($"{id}\t{hash}\t{acknowledge}");
            await SubmitAsync(http, probe, id, new JsonObject
            {
                ["acknowledged"] = true,
                ["contentHash"] = hash,
                ["initials"] = acknowledge == "initials" ? "JD" : null,
            });
        }

        await File.WriteAllLinesAsync(args[4], steps);
        var lines = new string[count];
        var screeningId = screening["id"]!.GetValue<string>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var session = await StartAsync(http, clinician);
            foreach (var acknowledgment in before)
            {
                await SubmitAsync(http, session, acknowledgment["stepId"]!.GetValue<string>(), Body(acknowledgment));
            }

            await SubmitAsync(http, session, screeningId, new JsonObject { ["answers"] = answers.DeepClone() });
            lines[i] = $"{session.Token}\t{session.Ticket}";
        });
        await File.WriteAllLinesAsync(args[3], lines);
        Console.WriteLine($"seeded {count} sessions at their first disclosure; {steps.Count} disclosure steps each");
        return 0;
    }

    sealed record Patient(string Token, string Ticket);

    static JsonObject Body(JsonObject acknowledgment)
    {
        var body = acknowledgment.DeepClone().AsObject();
        body.Remove("stepId");
        return body;
    }

    static JsonObject Acknowledgment(JsonObject step) => new()
    {
        ["stepId"] = step["id"]!.GetValue<string>(),
        ["acknowledged"] = true,
        ["contentHash"] = step["contentHash"]!.GetValue<string>(),
        ["initials"] = step["acknowledge"]?.GetValue<string>() == "initials" ? "JD" : null,
    };

    static async Task<Patient> StartAsync(HttpClient http, AuthenticationHeaderValue clinician)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sessions")
        {
            Content = JsonContent.Create(new
            {
                workflowId = TypicalSession.WorkflowId,
                language = "en",
                patient = new { name = "Jane Doe", dateOfBirth = DateOfBirth },
            }),
        };
        start.Headers.Authorization = clinician;
        var started = await Json(await http.SendAsync(start));
        var url = started["patientUrl"]!.GetValue<string>();
        var token = url[(url.LastIndexOf('/') + 1)..];
        var verified = await Json(await http.PostAsJsonAsync($"/api/v1/patient/{token}/verify", new { dateOfBirth = DateOfBirth }));
        return new Patient(token, verified["accessToken"]!.GetValue<string>());
    }

    static async Task<JsonObject> CurrentStepAsync(HttpClient http, Patient patient)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patient/{patient.Token}/current");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", patient.Ticket);
        return (await Json(await http.SendAsync(request)))["step"]!.AsObject();
    }

    static async Task SubmitAsync(HttpClient http, Patient patient, string stepId, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patient/{patient.Token}/steps/{stepId}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", patient.Ticket);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await Json(await http.SendAsync(request));
    }

    static async Task<JsonObject> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
            }

            return JsonNode.Parse(text)!.AsObject();
        }
    }
}
