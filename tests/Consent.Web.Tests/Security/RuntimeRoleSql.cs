using System.Net;
using System.Net.Http.Json;
using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>What an outside review did to the database as the service's own runtime role (<c>consent_app</c>), which holds no certificate key.</summary>
internal static class RuntimeRoleSql
{
    /// <summary>Runs <paramref name="sql"/> with <c>@id</c> bound to <paramref name="id"/>; asserts it changed exactly one row.</summary>
    public static async Task ChangeOneRowAsync(ConsentWebFactory factory, string sql, Guid id, params (string Name, object Value)[] more)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        foreach (var (name, value) in more)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// Countersigns a session whose row was changed, then expects what the service does about it: it
    /// refuses to sign (AUDIT ALERT, no record), and <c>/events</c> and the audit report, at event 1, what
    /// differs (<paramref name="named"/>).
    /// </summary>
    public static async Task ExpectNeverSignedAsync(ConsentWebFactory factory, PatientDriver driver, Guid sessionId, string named)
    {
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{sessionId}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);

        await Deadline.UntilAsync("the refusal to sign", () => Task.FromResult(factory.LogLines.Any(l =>
            l.Contains("AUDIT ALERT: refused to sign", StringComparison.Ordinal) && l.Contains(sessionId.ToString(), StringComparison.Ordinal))));
        Assert.Equal(HttpStatusCode.NotFound, (await driver.Clinician.GetAsync($"/api/v1/sessions/{sessionId}/record.pdf")).StatusCode);
        var events = await driver.EventsAsync(sessionId);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Equal(1, events["brokenAtSeq"]!.GetValue<long>());
        Assert.Contains(named, events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(await AuditAsync(factory), f => f.SessionId == sessionId && f.What.Contains(named, StringComparison.Ordinal));
    }

    public static async Task<IReadOnlyList<AuditFinding>> AuditAsync(ConsentWebFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None)).Findings;
    }
}
