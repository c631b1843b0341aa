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
        "INSERT INTO consent_events (" + EventColumns + ") " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";

    private const string EventColumns =
        "session_id, seq, type, step_id, payload, content_hash, actor, ip, user_agent, at, prev_hash, hash, seal_key, seal";

    private const string SetSession =
        "UPDATE consent_sessions SET status = $2, updated_at = $3, completed_at = $4, expires_at = $5, last_seq = $6, last_hash = $7, " +
        "link_token_hash = $8 WHERE id = $1";

    /// <summary>The locking path's update; returns the row's new <c>xmin</c>, which the state cache keeps for the next write.</summary>
    internal const string UpdateSession = SetSession + " RETURNING xmin";

    /// <summary>
    /// The optimistic write's first statement (issue 18): the session row is updated only while it is still
    /// exactly the row this node last committed (<c>last_seq</c> $9, <c>last_hash</c> $10, <c>xmin</c> $11), and
    /// the first new event ($12-$25) is inserted only when that update was made. The UPDATE takes the row
    /// lock; when another transaction changed the row first, PostgreSQL re-checks the WHERE clause against
    /// the newest version (READ COMMITTED, "UPDATE ... WHERE" in the PostgreSQL manual, 13.2.1), so a write
    /// based on a row that moved on changes nothing and returns no row.
    /// </summary>
    internal const string UpdateSessionAndInsertFirstEventIfUnchanged =
        "WITH moved AS (" + SetSession + " AND last_seq = $9 AND last_hash = $10 AND xmin = $11 RETURNING xmin) " +
        "INSERT INTO consent_events (" + EventColumns + ") " +
        "SELECT $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25 FROM moved RETURNING id, (SELECT xmin FROM moved)";

    /// <summary>A later event of the optimistic write: inserted only after its predecessor of this same write (seq $2 - 1, hash $11).</summary>
    internal const string InsertEventAfterItsPredecessor =
        "INSERT INTO consent_events (" + EventColumns + ") " +
        "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 " +
        "WHERE EXISTS (SELECT 1 FROM consent_events WHERE session_id = $1 AND seq = $2 - 1 AND hash = $11) RETURNING id";

    internal const string InsertIdempotency =
        "INSERT INTO idempotency_keys (session_id, key, request_hash, status_code, response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

    /// <summary>The optimistic write's remembered answer: kept only when the write's last event (seq $7, hash $8) was inserted.</summary>
    internal const string InsertIdempotencyAfterEvent =
        "INSERT INTO idempotency_keys (session_id, key, request_hash, status_code, response_body, created_at) " +
        "SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM consent_events WHERE session_id = $1 AND seq = $7 AND hash = $8)";

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

    /// <summary>
    /// Appends the events, updates the session row (and learns its new <c>xmin</c>), remembers the answer
    /// and, with <paramref name="commit"/>, commits: one round trip. The row must be locked in this transaction.
    /// </summary>
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
            AddEvent(insert.Parameters, e);
            batch.BatchCommands.Add(insert);
        }

        var update = new NpgsqlBatchCommand(UpdateSession);
        AddSession(update.Parameters, session);
        batch.BatchCommands.Add(update);
        if (remembered is not null)
        {
            var insert = new NpgsqlBatchCommand(InsertIdempotency);
            AddIdempotency(insert.Parameters, remembered);
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

        if (await reader.ReadAsync(ct))
        {
            session.RowVersion = reader.GetFieldValue<uint>(0);
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

    /// <summary>
    /// The optimistic write (issue 18, docs/PERFORMANCE.md, "One round trip per submission"), in one round trip and without a row
    /// read first: BEGIN; update the session row only while it still has <paramref name="expectedSeq"/>,
    /// <paramref name="expectedHash"/> and <paramref name="expectedXmin"/>, with the first event in the same
    /// statement; each later event and the remembered answer only after the one before it; and, with
    /// <paramref name="commit"/>, COMMIT. True when the row was still the expected one and everything was
    /// written (the session's <c>RowVersion</c> is then its new <c>xmin</c>); false when it had moved on, and
    /// then nothing was written (committed empty, or left open for the caller to roll back when
    /// <paramref name="commit"/> is false). A repeated Idempotency-Key fails the whole transaction with a
    /// unique violation (23505), which the caller must roll back.
    /// </summary>
    /// <remarks>With <paramref name="commit"/>, bounded by <paramref name="commitTimeout"/> as <see cref="WriteAsync(NpgsqlConnection, ConsentSession, IReadOnlyList{ConsentEvent}, IdempotencyEntry?, bool, TimeSpan, CancellationToken)"/> is.</remarks>
    public static async Task<bool> WriteIfUnchangedAsync(
        NpgsqlConnection connection, ConsentSession session, long expectedSeq, string expectedHash, uint expectedXmin,
        IReadOnlyList<ConsentEvent> events, IdempotencyEntry? remembered, bool commit, TimeSpan commitTimeout, CancellationToken ct)
    {
        if (!commit)
        {
            return await WriteIfUnchangedAsync(connection, session, expectedSeq, expectedHash, expectedXmin, events, remembered, commit: false, ct);
        }

        var written = false;
        await Hosting.ConfirmedCommits.RunAsync(async token => written = await WriteIfUnchangedAsync(
            connection, session, expectedSeq, expectedHash, expectedXmin, events, remembered, commit: true, token), commitTimeout, ct);
        return written;
    }

    private static async Task<bool> WriteIfUnchangedAsync(
        NpgsqlConnection connection, ConsentSession session, long expectedSeq, string expectedHash, uint expectedXmin,
        IReadOnlyList<ConsentEvent> events, IdempotencyEntry? remembered, bool commit, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            throw new ArgumentException("An optimistic write appends at least one event.", nameof(events));
        }

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        var first = new NpgsqlBatchCommand(UpdateSessionAndInsertFirstEventIfUnchanged);
        AddSession(first.Parameters, session);
        first.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedSeq });
        first.Parameters.Add(new NpgsqlParameter<string> { TypedValue = expectedHash });
        first.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = expectedXmin, NpgsqlDbType = NpgsqlDbType.Xid });
        AddEvent(first.Parameters, events[0]);
        batch.BatchCommands.Add(first);
        foreach (var e in events.Skip(1))
        {
            var insert = new NpgsqlBatchCommand(InsertEventAfterItsPredecessor);
            AddEvent(insert.Parameters, e);
            batch.BatchCommands.Add(insert);
        }

        if (remembered is not null)
        {
            var insert = new NpgsqlBatchCommand(InsertIdempotencyAfterEvent);
            AddIdempotency(insert.Parameters, remembered);
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events[^1].Seq });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = events[^1].Hash });
            batch.BatchCommands.Add(insert);
        }

        if (commit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        // The reader starts at the first statement that returns rows (BEGIN returns none, as in BeginAndLockAsync):
        // the guarded update with the first event.
        var written = await reader.ReadAsync(ct);
        if (written)
        {
            events[0].Id = reader.GetInt64(0);
            session.RowVersion = reader.GetFieldValue<uint>(1);
        }

        foreach (var e in events.Skip(1))
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct) != written)
            {
                throw new InvalidOperationException($"The optimistic write to session {session.Id} wrote only part of its events.");
            }

            if (written)
            {
                e.Id = reader.GetInt64(0);
            }
        }

        // Reading to the end surfaces an error from any later statement of the batch (a repeated key).
        while (await reader.NextResultAsync(ct))
        {
        }

        return written;
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

    private static void AddEvent(NpgsqlParameterCollection parameters, ConsentEvent e)
    {
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.SessionId });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Seq });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
        parameters.Add(Text(e.StepId));
        parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(Text(e.ContentHash));
        parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Actor });
        parameters.Add(Text(e.Ip));
        parameters.Add(Text(e.UserAgent));
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = e.At });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = e.PrevHash });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Hash });
        parameters.Add(Text(e.SealKey));
        parameters.Add(Text(e.Seal));
    }

    /// <summary>$1-$8 of <see cref="UpdateSession"/>: the row's new values.</summary>
    private static void AddSession(NpgsqlParameterCollection parameters, ConsentSession session)
    {
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = session.Id });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = session.Status });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = session.UpdatedAt });
        parameters.Add(session.CompletedAt is { } completed
            ? new NpgsqlParameter<DateTimeOffset> { TypedValue = completed }
            : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = session.ExpiresAt });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = session.LastSeq });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = session.LastHash });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = session.LinkTokenHash });
    }

    private static void AddIdempotency(NpgsqlParameterCollection parameters, IdempotencyEntry remembered)
    {
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = remembered.SessionId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = remembered.Key });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = remembered.RequestHash });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = remembered.StatusCode });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = remembered.ResponseBody });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = remembered.CreatedAt });
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
