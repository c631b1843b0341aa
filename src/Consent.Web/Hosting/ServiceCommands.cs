using Consent.Web.Audit;

namespace Consent.Web.Hosting;

/// <summary>
/// Command-line verbs that need the database: <c>audit</c> checks every event chain and stored record
/// and prints a report; it exits 1 when anything fails to verify.
/// </summary>
public static class ServiceCommands
{
    public static async Task<int?> TryRunWithServicesAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != "audit")
        {
            return null;
        }

        using var scope = app.Services.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
        Console.WriteLine($"Audit at {report.CheckedAt:O}: {report.SessionsChecked} sessions, {report.EventsChecked} events, {report.RecordsChecked} records checked.");
        foreach (var finding in report.Findings)
        {
            Console.WriteLine($"  PROBLEM  session {finding.SessionId}{(finding.BrokenAtSeq is { } seq ? $" at event {seq}" : "")}: {finding.What}");
        }

        Console.WriteLine(report.Clean ? "Every chain and record verifies." : $"{report.Findings.Count} problem(s) found.");
        return report.Clean ? 0 : 1;
    }
}
