using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Web.SystemEvents;

/// <summary>
/// Drains <see cref="SystemAudit"/>'s queue onto the system chain: up to <see cref="BatchSize"/> events, or what
/// came within the batch interval (200 ms) of the first, in one transaction that takes a PostgreSQL advisory
/// transaction lock (so every node appends to the one chain in turn), reads the chain's head, numbers and hashes
/// the batch and inserts it. A batch the database refuses (it is away) is retried until it is written, while new
/// events wait in the queue up to its bound. On a clean shutdown the queue is closed and drained before the host
/// stops. What a crash loses: the events in the queue and the batch being written (docs/system-events.md).
/// </summary>
public sealed class SystemAuditWriter(SystemAudit audit, IConfiguration configuration, ILogger<SystemAuditWriter> logger) : IHostedService, IDisposable
{
    /// <summary>The advisory lock every node takes to append to the system chain ("SYSAUDIT" in ASCII).</summary>
    public const long ChainLock = 0x5359534155444954;

    public const int BatchSize = 200;

    /// <summary>How long a batch waits for more events after its first (<c>SystemEvents:BatchIntervalMilliseconds</c>, 200 by default).</summary>
    private readonly TimeSpan batchInterval = TimeSpan.FromMilliseconds(configuration.GetValue("SystemEvents:BatchIntervalMilliseconds", 200));

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource abort = new();
    private Task? loop;

    public void Dispose() => abort.Dispose();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        loop = Task.Run(() => RunAsync(abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Closes the queue and waits until everything queued is written, or until the host's shutdown time runs out.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        audit.Complete();
        if (loop is null)
        {
            return;
        }

        await using var registration = cancellationToken.Register(abort.Cancel);
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var reader = audit.Reader;
        var batch = new List<SystemEventDraft>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                using (var window = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    window.CancelAfter(batchInterval);
                    while (batch.Count < BatchSize)
                    {
                        while (batch.Count < BatchSize && reader.TryRead(out var draft))
                        {
                            batch.Add(draft);
                        }

                        if (batch.Count >= BatchSize)
                        {
                            break;
                        }

                        try
                        {
                            if (!await reader.WaitToReadAsync(window.Token))
                            {
                                break; // closed and empty: shutting down
                            }
                        }
                        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                        {
                            break; // the batch interval is up
                        }
                    }
                }

                await WriteWithRetriesAsync(batch, ct);
                batch.Clear();
            }

            // Losses counted after the last batch (the queue was closed) still reach the chain.
            await WriteWithRetriesAsync(batch, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var left = batch.Count;
            while (reader.TryRead(out _))
            {
                left++;
            }

            if (left > 0)
            {
                logger.LogError("SYSTEM AUDIT LOSS: the service stopped before {Count} system events could be written.", left);
            }
        }
    }

    private async Task WriteWithRetriesAsync(List<SystemEventDraft> batch, CancellationToken ct)
    {
        var lost = audit.TakeLost();
        if (lost > 0)
        {
            batch.Add(new SystemEventDraft(
                batch.Count > 0 ? batch[^1].At : Sessions.EventChain.Truncate(DateTimeOffset.UtcNow), SystemEventTypes.EventsLost, SystemAudit.SystemActor, null, null, null,
                new JsonObject { ["count"] = lost, ["capacity"] = audit.Capacity }, null, null));
        }

        if (batch.Count == 0)
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch, ct);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not write {Count} system events (attempt {Attempt}); retrying in {Delay}. They wait in memory meanwhile.",
                    batch.Count, attempt, delay);
                try
                {
                    await Task.Delay(delay, ct);
                }
                catch (OperationCanceledException)
                {
                    if (lost > 0)
                    {
                        audit.ReturnLost(lost);
                    }

                    throw;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>
    /// Writes one event onto the chain now, without the queue, unless <paramref name="unless"/>, asked under the chain's
    /// lock, says it need not be: for what the service records while the writer is not running (a command) or must
    /// record once however many nodes start together (<see cref="OperationsEvents"/>). Throws when the database refuses.
    /// </summary>
    /// <returns>Whether the event was written.</returns>
    public Task<bool> AppendNowAsync(SystemEventDraft draft, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<bool>>? unless, CancellationToken ct) =>
        WriteAsync([draft], ct, unless);

    private async Task<bool> WriteAsync(List<SystemEventDraft> batch, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<bool>>? unless = null)
    {
        await using var connection = new NpgsqlConnection(DatabaseRegistration.ConnectionString(configuration));
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", connection, transaction))
        {
            take.Parameters.AddWithValue("k", ChainLock);
            await take.ExecuteNonQueryAsync(ct);
        }

        if (unless is not null && await unless(connection, transaction, ct))
        {
            return false;
        }

        long seq = 0;
        var previous = SystemEventChain.Genesis;
        await using (var head = new NpgsqlCommand("SELECT seq, hash FROM system_events ORDER BY seq DESC LIMIT 1", connection, transaction))
        await using (var row = await head.ExecuteReaderAsync(ct))
        {
            if (await row.ReadAsync(ct))
            {
                (seq, previous) = (row.GetInt64(0), row.GetString(1));
            }
        }

        var patients = await PatientsOfAsync(connection, transaction, batch, ct);
        var emails = await EmailsOfAsync(connection, transaction, batch, ct);
        var rows = new List<SystemEvent>(batch.Count);
        foreach (var draft in batch)
        {
            var e = new SystemEvent
            {
                Seq = ++seq,
                At = draft.At,
                Type = draft.Type,
                Actor = draft.Actor,
                ActorEmail = draft.ActorEmail ?? emails.GetValueOrDefault(draft.Actor),
                PatientId = draft.PatientId ?? (draft.SessionId is { } s && patients.TryGetValue(s, out var p) ? p : null),
                SessionId = draft.SessionId,
                Detail = Sessions.ChainJson.Serialize(draft.Detail),
                Ip = draft.Ip,
                UserAgent = draft.UserAgent,
                PrevHash = previous,
            };
            e.Hash = SystemEventChain.ComputeHash(e);
            previous = e.Hash;
            rows.Add(e);
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO system_events (seq, at, type, actor, actor_email, patient_id, session_id, detail, ip, user_agent, prev_hash, hash)
            SELECT seq, at, type, actor, actor_email, patient_id, session_id, detail::jsonb, ip, user_agent, prev_hash, hash
            FROM unnest(@seq, @at, @type, @actor, @actor_email, @patient_id, @session_id, @detail, @ip, @user_agent, @prev_hash, @hash)
                AS t(seq, at, type, actor, actor_email, patient_id, session_id, detail, ip, user_agent, prev_hash, hash)
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Seq).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.At.UtcDateTime).ToArray() });
            insert.Parameters.Add(Texts("type", rows.Select(r => r.Type)));
            insert.Parameters.Add(Texts("actor", rows.Select(r => r.Actor)));
            insert.Parameters.Add(Texts("actor_email", rows.Select(r => r.ActorEmail)));
            insert.Parameters.Add(Uuids("patient_id", rows.Select(r => r.PatientId)));
            insert.Parameters.Add(Uuids("session_id", rows.Select(r => r.SessionId)));
            insert.Parameters.Add(Texts("detail", rows.Select(r => r.Detail)));
            insert.Parameters.Add(Texts("ip", rows.Select(r => r.Ip)));
            insert.Parameters.Add(Texts("user_agent", rows.Select(r => r.UserAgent)));
            insert.Parameters.Add(Texts("prev_hash", rows.Select(r => r.PrevHash)));
            insert.Parameters.Add(Texts("hash", rows.Select(r => r.Hash)));
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return true;
    }

    private static NpgsqlParameter Texts(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    private static NpgsqlParameter Uuids(string name, IEnumerable<Guid?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = values.Select(v => v is { } g ? (object)g : DBNull.Value).ToArray() };

    /// <summary>The patient of each session a read names without its patient, so a session's reads are found under its patient too.</summary>
    private static async Task<Dictionary<Guid, Guid>> PatientsOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<SystemEventDraft> batch, CancellationToken ct)
    {
        var sessions = batch.Where(d => d.PatientId is null && d.SessionId is not null).Select(d => d.SessionId!.Value).Distinct().ToArray();
        var found = new Dictionary<Guid, Guid>();
        if (sessions.Length == 0)
        {
            return found;
        }

        await using var query = new NpgsqlCommand("SELECT id, patient_id FROM consent_sessions WHERE id = ANY(@ids) AND patient_id IS NOT NULL", connection, transaction);
        query.Parameters.AddWithValue("ids", sessions);
        await using var row = await query.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            found[row.GetGuid(0)] = row.GetGuid(1);
        }

        return found;
    }

    /// <summary>The email of each staff actor whose request did not carry it.</summary>
    private static async Task<Dictionary<string, string>> EmailsOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<SystemEventDraft> batch, CancellationToken ct)
    {
        var actors = batch.Where(d => d.ActorEmail is null).Select(d => Guid.TryParse(d.Actor, out var g) ? g : (Guid?)null)
            .Where(g => g is not null).Select(g => g!.Value).Distinct().ToArray();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (actors.Length == 0)
        {
            return found;
        }

        await using var query = new NpgsqlCommand("SELECT id, email FROM \"AspNetUsers\" WHERE id = ANY(@ids) AND email IS NOT NULL", connection, transaction);
        query.Parameters.AddWithValue("ids", actors);
        await using var row = await query.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            found[row.GetGuid(0).ToString("D")] = row.GetString(1);
        }

        return found;
    }
}
