using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Identity;
using Consent.Web.Mail;
using Consent.Web.Outbox;
using Consent.Web.Settings;
using Consent.Web.SystemEvents;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Web.Alerts;

/// <summary>
/// The admins' security alert digest. 21 CFR 11.300(d) asks that attempts at unauthorized use be detected and
/// reported "in an immediate and urgent manner" to the system's security unit and, as appropriate, management;
/// the HIPAA Security Rule asks for procedures to identify and respond to security incidents (45 CFR
/// 164.308(a)(6)(ii)) and to review records of system activity (164.308(a)(1)(ii)(D)). What counts as an alert is
/// already on the system audit trail: a staff account locked out (<see cref="SystemEventTypes.AccountLockedOut"/>),
/// a patient's link locked after wrong dates of birth (<see cref="SystemEventTypes.PatientLinkLocked"/>), and an
/// audit run that did not verify (<see cref="SystemEventTypes.AuditRun"/> with <c>verified: false</c>).
/// </summary>
/// <remarks>
/// <para>A digest covers the alerts after the last digest's <c>throughSeq</c>. Deciding, queuing one mail per active
/// admin (outbox jobs, so an admin whose mail fails is retried alone) and writing <see cref="SystemEventTypes.AlertDigestSent"/>
/// happen in one transaction under the system chain's lock: nodes checking at once send one digest, an alert is in
/// exactly one digest, and the trail says who was told what. Because the chain's sequence numbers are given under
/// that lock, an alert committed later always has a higher number than any digest already written: none is skipped.</para>
/// <para>Frequency: at most one digest per <see cref="AlertOptions.DigestMinutes"/>. After a quiet spell the first
/// alert goes out at the next check (<see cref="AlertOptions.CheckSeconds"/>); those during the following minutes
/// are gathered into the next digest, so a burst is one mail, not one per guess.</para>
/// <para>The mail names staff accounts by email, and sessions by id and a link to the staff session page; it never
/// holds a patient's name or date of birth, which would put health information in an admin's inbox.</para>
/// </remarks>
public sealed class AlertDigests(
    SystemAudit audit, SystemAuditWriter writer, StaffMail mail, IOptions<AlertOptions> options, ILogger<AlertDigests> logger)
{
    /// <summary>The SQL condition that makes a system event an alert.</summary>
    internal const string IsAlert =
        "(type IN ('" + SystemEventTypes.AccountLockedOut + "', '" + SystemEventTypes.PatientLinkLocked + "')"
        + " OR (type = '" + SystemEventTypes.AuditRun + "' AND detail->>'verified' = 'false'))";

    /// <summary>The types of system events that can be alerts (an audit run only when it did not verify: <see cref="IsAlertEvent"/>).</summary>
    internal static readonly string[] Types = [SystemEventTypes.AccountLockedOut, SystemEventTypes.PatientLinkLocked, SystemEventTypes.AuditRun];

    /// <summary>The same test as <see cref="IsAlert"/>, on an event read from the trail.</summary>
    internal static bool IsAlertEvent(Data.Entities.SystemEvent e) =>
        e.Type != SystemEventTypes.AuditRun
        || (JsonNode.Parse(e.Detail) is JsonObject detail && detail["verified"] is JsonValue verified && verified.TryGetValue<bool>(out var ok) && !ok);

    /// <summary>
    /// Sends a digest when one is due at <paramref name="now"/>: there are alerts no digest has covered, and the last
    /// digest is at least <see cref="AlertOptions.DigestMinutes"/> old. Returns what was sent, or null.
    /// </summary>
    public async Task<AlertDigestSent?> SendDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var period = TimeSpan.FromMinutes(options.Value.DigestMinutes);
        var draft = audit.SystemDraft(SystemEventTypes.AlertDigestSent, []);
        AlertDigestSent? sent = null;
        await writer.AppendNowAsync(draft, async (connection, transaction, token) =>
        {
            long afterSeq = 0;
            await using (var last = new NpgsqlCommand(
                "SELECT at, (detail->>'throughSeq')::bigint FROM system_events WHERE type = @t ORDER BY seq DESC LIMIT 1", connection, transaction))
            {
                last.Parameters.AddWithValue("t", SystemEventTypes.AlertDigestSent);
                await using var row = await last.ExecuteReaderAsync(token);
                if (await row.ReadAsync(token))
                {
                    var lastAt = new DateTimeOffset(row.GetFieldValue<DateTime>(0), TimeSpan.Zero);
                    if (now < lastAt + period)
                    {
                        return true; // too soon after the last digest: these alerts wait for the next one
                    }

                    afterSeq = row.GetInt64(1);
                }
            }

            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            long throughSeq = 0;
            await using (var alerts = new NpgsqlCommand(
                $"SELECT type, count(*), max(seq) FROM system_events WHERE seq > @after AND {IsAlert} GROUP BY type", connection, transaction))
            {
                alerts.Parameters.AddWithValue("after", afterSeq);
                await using var row = await alerts.ExecuteReaderAsync(token);
                while (await row.ReadAsync(token))
                {
                    counts[row.GetString(0)] = (int)row.GetInt64(1);
                    throughSeq = Math.Max(throughSeq, row.GetInt64(2));
                }
            }

            if (counts.Count == 0)
            {
                return true; // nothing new to tell
            }

            var admins = mail.CanSend ? await ActiveAdminsAsync(connection, transaction, token) : [];
            foreach (var admin in admins)
            {
                await using var job = new NpgsqlCommand(
                    "INSERT INTO outbox_jobs (kind, session_id, payload, created_at, not_before, attempts) VALUES (@kind, NULL, @payload, @now, @now, 0)",
                    connection, transaction);
                job.Parameters.AddWithValue("kind", OutboxKinds.SendStaffMail);
                job.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = StaffMail.DigestJob(admin, afterSeq, throughSeq).ToJsonString() });
                job.Parameters.AddWithValue("now", draft.At);
                await job.ExecuteNonQueryAsync(token);
            }

            draft.Detail["afterSeq"] = afterSeq;
            draft.Detail["throughSeq"] = throughSeq;
            var kinds = new JsonObject();
            foreach (var (type, count) in counts)
            {
                kinds[type] = count;
            }

            draft.Detail["alerts"] = kinds;
            draft.Detail["mailedTo"] = new JsonArray([.. admins.Select(a => (JsonNode)a.ToString("D"))]);
            draft.Detail["mailed"] = mail.CanSend;
            sent = new AlertDigestSent(afterSeq, throughSeq, counts, admins);
            return false;
        }, ct);

        if (sent is null)
        {
            return null;
        }

        if (!mail.CanSend)
        {
            logger.LogWarning("Security alerts on the system audit trail (sequence {After} to {Through}) were not mailed: mail is off (Smtp:Host is not set).",
                sent.AfterSeq + 1, sent.ThroughSeq);
        }
        else
        {
            mail.Wake();
            logger.LogWarning("Security alert digest (sequence {After} to {Through}: {Counts}) queued for {Admins} active admin(s).",
                sent.AfterSeq + 1, sent.ThroughSeq, string.Join(", ", sent.Counts.Select(c => $"{c.Value} {c.Key}")), sent.MailedTo.Count);
        }

        return sent;
    }

    /// <summary>Active admins: not deactivated, and with a password of their own (an invitation still open is nobody yet).</summary>
    private static async Task<List<Guid>> ActiveAdminsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var query = new NpgsqlCommand(
            """
            SELECT u.id FROM "AspNetUsers" u
            WHERE u.deactivated_at IS NULL AND u.password_hash IS NOT NULL AND u.email IS NOT NULL
              AND EXISTS (SELECT 1 FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.name = @admin)
            ORDER BY u.email
            """, connection, transaction);
        query.Parameters.AddWithValue("admin", StaffRoles.Admin);
        var admins = new List<Guid>();
        await using var row = await query.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            admins.Add(row.GetGuid(0));
        }

        return admins;
    }
}

/// <summary>A digest that was sent: the alerts after <paramref name="AfterSeq"/> through <paramref name="ThroughSeq"/>, by type, and to whom.</summary>
public sealed record AlertDigestSent(long AfterSeq, long ThroughSeq, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<Guid> MailedTo);

/// <summary>Checks every <see cref="AlertOptions.CheckSeconds"/> whether a digest is due (<see cref="AlertDigests"/>).</summary>
public sealed class AlertDigestWorker(IServiceScopeFactory scopes, IOptions<AlertOptions> options, TimeProvider clock, ILogger<AlertDigestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.CheckSeconds <= 0)
        {
            return;
        }

        var every = TimeSpan.FromSeconds(options.Value.CheckSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, stoppingToken);
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<AlertDigests>().SendDueAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogError(e, "The security alert digest check failed; it is tried again in {Seconds} s. The alerts stay on the system audit trail until a digest covers them.",
                    options.Value.CheckSeconds);
            }
        }
    }
}
