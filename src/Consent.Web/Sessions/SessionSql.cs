using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Web.Sessions;

/// <summary>
/// The SQL of a session write, sent through Npgsql on the context's connection: statements that go
/// together travel in one batch, one round trip each, and the transaction is begun and committed
/// in those batches (docs/PERFORMANCE.md, P3 and P10). The tables and columns are EF Core's (see
/// the migrations).
/// </summary>
/// <remarks>
/// The column lists and the reader's ordinals are held against the EF model by SessionSqlModelTests,
/// so the two mappings of these tables cannot drift apart.
/// </remarks>
internal static class SessionSql
{
    /// <summary>The session row's columns in the order the lock statement's reader reads them (ordinal = position).</summary>
    internal const string SessionColumns =
        "id, workflow_id, workflow_version, workflow_hash, language, status, patient_name, patient_date_of_birth, " +
        "patient_mrn, patient_email, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, xmin, patient_id";

    private const string LockById = "SELECT " + SessionColumns + " FROM consent_sessions WHERE id = $1 FOR UPDATE";

    private const string LockByIdAndLink = "SELECT " + SessionColumns + " FROM consent_sessions WHERE id = $1 AND link_token_hash = $2 FOR UPDATE";

    internal const string FindIdempotency = "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE session_id = $1 AND key = $2";

    internal const string SelectEvents =
        "SELECT seq, type, step_id, payload, content_hash, actor, at, hash FROM consent_events WHERE session_id = $1 ORDER BY seq";

    internal const string InsertEvent =
        "INSERT INTO consent_events (session_id, seq, type, step_id, payload, content_hash, actor, ip, user_agent, at, prev_hash, hash, seal_key, seal) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";

    internal const string UpdateSession =
        "UPDATE consent_sessions SET status = $2, updated_at = $3, completed_at = $4, expires_at = $5, last_seq = $6, last_hash = $7, " +
        "link_token_hash = $8 WHERE id = $1";

    internal const string InsertIdempotency =
        "INSERT INTO idempotency_keys (session_id, key, request_hash, status_code, response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

    /// <summary>
    /// Begins a transaction, locks the session row in it and, with a key, finds that key's
    /// remembered answer: one round trip. The caller commits (<see cref="WriteAsync"/>) or rolls back.
    /// </summary>
    public static async Task<(ConsentSession? Session, IdempotencyEntry? Prior)> BeginAndLockAsync(
        NpgsqlConnection connection, Guid sessionId, string? linkHash, string? idempotencyKey, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        var lockSession = new NpgsqlBatchCommand(linkHash is null ? LockById : LockByIdAndLink);
        lockSession.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        if (linkHash is not null)
        {
            lockSession.Parameters.Add(new NpgsqlParameter<string> { TypedValue = linkHash });
        }

        batch.BatchCommands.Add(lockSession);
        if (idempotencyKey is not null)
        {
            var find = new NpgsqlBatchCommand(FindIdempotency);
            find.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotencyKey });
            batch.BatchCommands.Add(find);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        ConsentSession? session = null;
        if (await reader.ReadAsync(ct))
        {
            session = new ConsentSession
            {
                Id = reader.GetGuid(0),
                WorkflowId = reader.GetString(1),
                WorkflowVersion = reader.GetInt32(2),
                WorkflowHash = reader.GetString(3),
                Language = reader.GetString(4),
                Status = reader.GetString(5),
                PatientName = reader.GetString(6),
                PatientDateOfBirth = reader.GetFieldValue<DateOnly>(7),
                PatientMrn = reader.IsDBNull(8) ? null : reader.GetString(8),
                PatientEmail = reader.IsDBNull(9) ? null : reader.GetString(9),
                LinkTokenHash = reader.GetString(10),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(11),
                CreatedBy = reader.GetGuid(12),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
                CompletedAt = reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
                LastSeq = reader.GetInt64(16),
                LastHash = reader.GetString(17),
                RowVersion = reader.GetFieldValue<uint>(18),
                PatientId = reader.GetGuid(19),
            };
        }

        IdempotencyEntry? prior = null;
        if (idempotencyKey is not null && await reader.NextResultAsync(ct) && await reader.ReadAsync(ct))
        {
            prior = new IdempotencyEntry
            {
                SessionId = sessionId,
                Key = idempotencyKey,
                RequestHash = reader.GetString(0),
                StatusCode = reader.GetInt32(1),
                ResponseBody = reader.GetString(2),
            };
        }

        return (session, prior);
    }

    /// <summary>Replays a session from all of its events; also returns the sequence number and hash of the last one. The connection must be open.</summary>
    public static async Task<(SessionState State, long LastSeq, string LastHash)> ReplayAsync(
        NpgsqlConnection connection, LoadedWorkflow workflow, Guid sessionId, CancellationToken ct)
    {
        var (events, lastSeq, lastHash) = await ReadEventsAsync(connection, sessionId, ct);
        return (ConsentInterpreter.Replay(workflow, events), lastSeq, lastHash);
    }

    /// <summary>A session's events in order, as the interpreter reads them, with the sequence number and hash of the last one.</summary>
    internal static async Task<(List<RecordedEvent> Events, long LastSeq, string LastHash)> ReadEventsAsync(
        NpgsqlConnection connection, Guid sessionId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SelectEvents, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var events = new List<RecordedEvent>();
        long lastSeq = 0;
        var lastHash = EventChain.Genesis;
        while (await reader.ReadAsync(ct))
        {
            lastSeq = reader.GetInt64(0);
            lastHash = reader.GetString(7);
            events.Add(new RecordedEvent(
                lastSeq,
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3))?.AsObject() ?? [],
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return (events, lastSeq, lastHash);
    }

    /// <summary>Appends the events, updates the session row, remembers the answer and, with <paramref name="commit"/>, commits: one round trip.</summary>
    /// <remarks>
    /// With <paramref name="commit"/> the batch waits at most <paramref name="commitTimeout"/> for the synchronous standby
    /// (<see cref="Hosting.ConfirmedCommits"/>): past it the write's outcome is unknown and it throws
    /// <see cref="Hosting.CommitNotConfirmedException"/>.
    /// </remarks>
    public static Task WriteAsync(
        NpgsqlConnection connection, ConsentSession session, IReadOnlyList<ConsentEvent> events, IdempotencyEntry? remembered, bool commit,
        TimeSpan commitTimeout, CancellationToken ct) =>
        commit
            ? Hosting.ConfirmedCommits.RunAsync(token => WriteAsync(connection, session, events, remembered, commit: true, token), commitTimeout, ct)
            : WriteAsync(connection, session, events, remembered, commit: false, ct);

    private static async Task WriteAsync(
        NpgsqlConnection connection, ConsentSession session, IReadOnlyList<ConsentEvent> events, IdempotencyEntry? remembered, bool commit,
        CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var e in events)
        {
            var insert = new NpgsqlBatchCommand(InsertEvent);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.SessionId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Seq });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
            insert.Parameters.Add(Text(e.StepId));
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(Text(e.ContentHash));
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Actor });
            insert.Parameters.Add(Text(e.Ip));
            insert.Parameters.Add(Text(e.UserAgent));
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = e.At });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.PrevHash });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Hash });
            insert.Parameters.Add(Text(e.SealKey));
            insert.Parameters.Add(Text(e.Seal));
            batch.BatchCommands.Add(insert);
        }

        var update = new NpgsqlBatchCommand(UpdateSession);
        update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = session.Id });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.Status });
        update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = session.UpdatedAt });
        update.Parameters.Add(session.CompletedAt is { } completed
            ? new NpgsqlParameter<DateTimeOffset> { TypedValue = completed }
            : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = session.ExpiresAt });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = session.LastSeq });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.LastHash });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.LinkTokenHash });
        batch.BatchCommands.Add(update);

        if (remembered is not null)
        {
            var insert = new NpgsqlBatchCommand(InsertIdempotency);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = remembered.SessionId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = remembered.Key });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = remembered.RequestHash });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = remembered.StatusCode });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = remembered.ResponseBody });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = remembered.CreatedAt });
            batch.BatchCommands.Add(insert);
        }

        if (commit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var e in events)
        {
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("An event insert returned no id.");
            }

            e.Id = reader.GetInt64(0);
            await reader.NextResultAsync(ct);
        }

        // Reading to the end surfaces an error from any later statement of the batch.
        while (await reader.NextResultAsync(ct))
        {
        }

        if (update.RecordsAffected != 1)
        {
            throw new InvalidOperationException($"The locked session {session.Id} was not updated.");
        }
    }

    /// <summary>COMMIT, waiting at most <paramref name="commitTimeout"/> for the synchronous standby (<see cref="Hosting.ConfirmedCommits"/>).</summary>
    public static Task CommitAsync(NpgsqlConnection connection, TimeSpan commitTimeout, CancellationToken ct) =>
        Hosting.ConfirmedCommits.CommitAsync(connection, commitTimeout, ct);

    /// <summary>Ends a transaction that was not committed; on a broken connection the server has already ended it.</summary>
    public static async Task RollbackAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var command = new NpgsqlCommand("ROLLBACK", connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke; PostgreSQL rolls back a transaction whose session ends.
        }
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
