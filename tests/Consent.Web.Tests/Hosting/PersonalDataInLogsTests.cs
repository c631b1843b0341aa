using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consent.Web.Tests.Hosting;

/// <summary>A factory whose kept log (<see cref="ConsentWebFactory.LogLines"/>) has everything, at Trace.</summary>
public sealed class CapturingLogsFactory : ConsentWebFactory
{
    /// <summary>Everything at Trace, framework and EF Core included: the strictest version of the check.</summary>
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Trace",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
    }
}

public sealed class PersonalDataInLogsTests(CapturingLogsFactory factory) : IClassFixture<CapturingLogsFactory>
{
    [Fact]
    public async Task AWholeConsent_LeavesNoPatientNameDateOfBirthMrnEmailOrLinkTokenInTheLogs()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var started = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en",
            patient = new { name = "Zebulon Quartermaine", dateOfBirth = "1961-02-17", mrn = "MRN-PRIVATE-93121", email = "zebulon.q@patient.example" },
        });
        started.EnsureSuccessStatusCode();
        var driver = new PatientDriver(factory, clinician);
        var body = await started.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var url = body.GetProperty("patientUrl").GetString()!;
        var session = new StartedSession(body.GetProperty("id").GetGuid(), url[(url.LastIndexOf('/') + 1)..], url);
        using var patientClient = factory.CreateClient();
        var verified = await patientClient.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = "1961-02-17" });
        verified.EnsureSuccessStatusCode();
        patientClient.DefaultRequestHeaders.Authorization = new("Bearer",
            (await verified.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString());
        // The patient's pages too: Razor Pages log route values (the token among them) at Debug and Trace.
        (await patientClient.GetAsync($"/p/{session.Token}")).EnsureSuccessStatusCode();
        (await patientClient.GetAsync($"/p/{session.Token}/step")).EnsureSuccessStatusCode();
        await driver.WalkAsync(patientClient, session, step =>
        {
            var answer = driver.DefaultAnswer(step);
            if (answer["fullName"] is not null)
            {
                answer["fullName"] = "Zebulon Quartermaine";
            }

            return answer;
        });
        await patientClient.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = "1961-02-18" });

        Assert.True(factory.LogLines.Count > 500, $"expected the service to have logged a lot at Trace, got {factory.LogLines.Count} lines");
        var all = string.Join("\n", factory.LogLines);
        foreach (var secret in new[] { "Zebulon", "Quartermaine", "1961-02-17", "1961-02-18", "MRN-PRIVATE-93121", "zebulon.q@patient.example" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.OrdinalIgnoreCase);
        }

        // The link token opens the patient's consent: no log line at any level may hold it. Paths
        // with it are still logged, masked (so this is not passing because nothing was logged).
        Assert.DoesNotContain(session.Token, all, StringComparison.Ordinal);
        Assert.Contains("/p/***", all, StringComparison.Ordinal);
        Assert.Contains("/api/v1/patient/***/current", all, StringComparison.Ordinal);
    }
}
