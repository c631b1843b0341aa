using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>A dose-day check-in of the shipped <see cref="CdsFactory.CheckinWorkflow"/> through the API: start, the patient's answers, the staff check.</summary>
public static class CheckinSteps
{
    /// <summary>Starts a check-in for the patient (201, or the test fails with the problem).</summary>
    public static async Task<StartedSession> StartAsync(HttpClient clinician, Guid patientId, string? language = null)
    {
        var response = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = CdsFactory.CheckinWorkflow, language });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var url = body["patientUrl"]!.GetValue<string>();
        return new StartedSession(body["id"]!.GetValue<Guid>(), url[(url.LastIndexOf('/') + 1)..], url);
    }

    /// <summary>The nurse's "before the dose" check: blood pressure (diastolic 78) and the ride home.</summary>
    public static async Task StaffCheckAsync(HttpClient clinician, StartedSession session, int systolic, bool rideConfirmed)
    {
        var response = await clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/staff-checks/before-dose",
            new { values = new { bp_systolic = systolic, bp_diastolic = 78, ride_confirmed = rideConfirmed } });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The patient's answers for <see cref="PatientDriver.WalkAsync"/>: no to every question but the ride home, and the affirmation.</summary>
    public static JsonObject? Answer(JsonObject step, bool rideHome, bool agrees) => step["type"]!.GetValue<string>() switch
    {
        "questions" => new JsonObject
        {
            ["answers"] = new JsonObject(step["questions"]!.AsArray().Select(q => KeyValuePair.Create(
                q!["id"]!.GetValue<string>(), (JsonNode?)JsonValue.Create(q["id"]!.GetValue<string>() == "ride_home" && rideHome)))),
        },
        "affirmation" => new JsonObject { ["agrees"] = agrees },
        _ => null,
    };
}
