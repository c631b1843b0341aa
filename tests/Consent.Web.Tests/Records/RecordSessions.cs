using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>Sessions walked to an end through the API, and their records fetched once the outbox has issued them.</summary>
public static class RecordSessions
{
    /// <summary>Walks a whole consent and countersigns it.</summary>
    public static async Task<StartedSession> CompleteAsync(PatientDriver driver, string language = "en", string workflowId = "ketamine-iv-depression") =>
        (await CompleteWithPatientAsync(driver, language, workflowId)).Session;

    /// <summary>Walks a whole consent and countersigns it; also gives the patient's client (its ticket still valid).</summary>
    public static async Task<(StartedSession Session, HttpClient Patient)> CompleteWithPatientAsync(
        PatientDriver driver, string language = "en", string workflowId = "ketamine-iv-depression")
    {
        var session = await driver.StartAsync(workflowId, language, mrn: "MRN-0042");
        var patient = await driver.VerifyAsync(session);
        var end = await driver.WalkAsync(patient, session);
        Assert.Equal("AwaitingCountersign", end["sessionStatus"]!.GetValue<string>());
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);
        return (session, patient);
    }

    /// <summary>The record once issued (the outbox worker issues it in the background; polled until <see cref="Deadline"/>).</summary>
    public static async Task<byte[]> WaitForRecordAsync(HttpClient staff, Guid sessionId, string? kind = null)
    {
        var url = $"/api/v1/sessions/{sessionId}/record.pdf" + (kind is null ? "" : $"?kind={kind}");
        return await Deadline.ValueAsync($"the {kind ?? "record"} of session {sessionId}", async () =>
        {
            using var response = await staff.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadAsByteArrayAsync();
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            return null;
        });
    }

    /// <summary>The RecordIssued events of the session's chain (and whether the chain verifies).</summary>
    public static async Task<(bool Verified, List<JsonObject> Issued)> IssuedEventsAsync(HttpClient staff, Guid sessionId)
    {
        var chain = JsonNode.Parse(await staff.GetStringAsync($"/api/v1/sessions/{sessionId}/events"))!;
        var issued = chain["events"]!.AsArray().Select(e => e!.AsObject()).Where(e => e["type"]!.GetValue<string>() == "RecordIssued").ToList();
        return (chain["verified"]!.GetValue<bool>(), issued);
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The text of a PDF as pdftotext reads it, whitespace collapsed.</summary>
    public static string Text(byte[] pdf)
    {
        var result = Consent.Records.Tests.Infrastructure.ExternalTool.Run("pdftotext", "-enc", "UTF-8", Consent.Records.Tests.Infrastructure.ExternalTool.TempFile(pdf), "-");
        Assert.Equal(0, result.ExitCode);
        return string.Join(' ', result.Output.Split((char[])[' ', '\n', '\r', '\t', '\f'], StringSplitOptions.RemoveEmptyEntries));
    }
}
