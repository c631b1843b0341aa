using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Web.Audit;
using Consent.Web.SignedRecords;
using Npgsql;

namespace Consent.Web.SystemEvents;

/// <summary>
/// How the service is operated, on the system audit trail beside what staff do (21 CFR 11.10(e): audit trails of
/// the actions that create and keep electronic records; 45 CFR 164.312(b): audit controls): the certificate that
/// signs the records changed (<see cref="SystemEventTypes.SigningCertificateChanged"/>), and every audit run with
/// its results (<see cref="SystemEventTypes.AuditRun"/>), so an inspector sees which key signed when, and that the
/// trail was checked and what the check found.
/// </summary>
public static class OperationsEvents
{
    /// <summary>How an audit run was started: the operator's <c>audit</c> command.</summary>
    public const string ByCommand = "command";

    /// <summary>How an audit run was started: the service's own periodic audit (<see cref="AuditMonitor"/>).</summary>
    public const string Periodic = "periodic";

    /// <summary>
    /// At start-up, after migrations: records <see cref="SystemEventTypes.SigningCertificateChanged"/> when the
    /// record-signing certificate's SHA-256 thumbprint is not the one the trail last recorded, or none was. The check
    /// and the write are one transaction under the chain's lock, so nodes starting together record a change once.
    /// </summary>
    public static async Task RecordSigningCertificateAsync(this WebApplication app)
    {
        var certificate = app.Services.GetRequiredService<RecordSigning>().Certificate;
        var thumbprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        string? previous = null;
        var audit = app.Services.GetRequiredService<SystemAudit>();
        var draft = audit.SystemDraft(SystemEventTypes.SigningCertificateChanged, []);
        var written = await app.Services.GetRequiredService<SystemAuditWriter>().AppendNowAsync(draft, async (connection, transaction, ct) =>
        {
            await using var last = new NpgsqlCommand(
                "SELECT detail->>'newThumbprintSha256' FROM system_events WHERE type = @t AND type LIKE 'operations.%' ORDER BY seq DESC LIMIT 1", connection, transaction);
            last.Parameters.AddWithValue("t", SystemEventTypes.SigningCertificateChanged);
            previous = await last.ExecuteScalarAsync(ct) as string;
            if (string.Equals(previous, thumbprint, StringComparison.Ordinal))
            {
                return true;
            }

            draft.Detail["oldThumbprintSha256"] = previous;
            draft.Detail["newThumbprintSha256"] = thumbprint;
            draft.Detail["subject"] = certificate.Subject;
            draft.Detail["notAfter"] = Utc(new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
            return false;
        }, CancellationToken.None);
        if (written)
        {
            app.Logger.LogWarning("The record-signing certificate changed: {Subject}, SHA-256 thumbprint {Thumbprint} (before: {Previous}); recorded on the system audit trail.",
                certificate.Subject, thumbprint, previous ?? "none recorded");
        }
    }

    /// <summary>Records an audit run and its results, through the queue (the periodic audit, while the writer runs).</summary>
    public static void RecordAuditRun(SystemAudit audit, AuditReport report, string trigger) =>
        audit.Record(SystemEventTypes.AuditRun, AuditRunDetail(report, trigger));

    /// <summary>
    /// Writes an audit run and its results now (the <c>audit</c> command, where no writer runs); the operating-system
    /// account and host that ran it are the nearest to an actor a command has.
    /// </summary>
    public static Task RecordAuditRunNowAsync(IServiceProvider services, AuditReport report, CancellationToken ct)
    {
        var detail = AuditRunDetail(report, ByCommand);
        detail["osUser"] = Environment.UserName;
        detail["host"] = Environment.MachineName;
        var draft = services.GetRequiredService<SystemAudit>().SystemDraft(SystemEventTypes.AuditRun, detail);
        return services.GetRequiredService<SystemAuditWriter>().AppendNowAsync(draft, null, ct);
    }

    /// <summary>What was checked, how many problems were found, and whether everything verified.</summary>
    public static JsonObject AuditRunDetail(AuditReport report, string trigger) => new()
    {
        ["trigger"] = trigger,
        ["checkedAt"] = Utc(report.CheckedAt),
        ["sessions"] = report.SessionsChecked,
        ["events"] = report.EventsChecked,
        ["records"] = report.RecordsChecked,
        ["systemEvents"] = report.SystemChain?.EventsChecked,
        ["checkpoints"] = report.Checkpoints?.CheckpointsChecked,
        ["failures"] = report.ProblemCount,
        ["verified"] = report.Clean,
    };

    private static string Utc(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
