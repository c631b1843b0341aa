using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.UseCases;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.Sessions;

/// <summary>
/// Applies one command to one session: locks the session row, replays its events, asks the
/// interpreter, seals the new events onto the hash chain and updates the session, all in one
/// transaction. A retried Idempotency-Key gets the first answer back and records nothing.
/// </summary>
/// <remarks>
/// <c>SELECT … FOR UPDATE</c> on the session row serializes writers to one session across every
/// node sharing the database; the unique (session_id, seq) index backs it up. The one-round-trip
/// write takes the same row lock with its guarded UPDATE, and writes only when the row is still the
/// one its decision was made on.
/// </remarks>
public sealed class SessionWriter(
    ConsentDbContext db, WorkflowRegistry workflows, TimeProvider clock, Outbox.OutboxSignal queue, SessionStateCache states, EventSeals seals,
    ILogger<SessionWriter> logger, Microsoft.Extensions.Options.IOptions<Settings.DatabaseOptions> database)
{
    private TimeSpan CommitTimeout => database.Value.CommitTimeout;

    /// <summary>
    /// Applies one request: locks the session (with <see cref="SessionWriteRequest.LinkHash"/>, only while
    /// that is still its link), lets <see cref="SessionWriteRequest.Decide"/> choose the command or turn
    /// the request away, answers a repeated Idempotency-Key with the first answer, then asks the
    /// interpreter and writes. Anything but <see cref="SessionWrite.Applied"/> records nothing.
    /// </summary>
    /// <remarks>
    /// One round trip when this node made the session's last write (docs/PERFORMANCE.md, "One round trip per submission"):
    /// the write is decided on the row and state this node committed, and sent with BEGIN and COMMIT in
    /// one batch whose update matches only while the row is still that one (<see cref="TryWriteOptimisticallyAsync"/>).
    /// Otherwise, or when that row had moved on, two round trips (P3, P4 and P10): BEGIN with the row
    /// lock and the idempotency lookup, then the writes with COMMIT.
    /// </remarks>
    public async Task<Outcome<SessionWrite>> ApplyAsync(SessionWriteRequest request, CancellationToken ct)
    {
        // The transaction is begun and committed in SQL, inside the batches (docs/PERFORMANCE.md, P10):
        // BEGIN travels with the row lock and COMMIT with the writes, so a submission costs two
        // round trips. Anything that ends it early rolls it back in the finally block.
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var open = true;
        try
        {
            if (await TryWriteOptimisticallyAsync(connection, request, ct) is { } written)
            {
                open = false;
                return written;
            }

            var write = await ApplyLockedAsync(connection, request, ct);
            open = write is not Outcome<SessionWrite>.Ok { Value: SessionWrite.Applied };
            if (write is Outcome<SessionWrite>.Ok { Value: SessionWrite.Replayed })
            {
                // A repeated Idempotency-Key: the first answer is given again only once the synchronous standby
                // has the first commit. This transaction holds the session's row lock, so it has a transaction id
                // and its commit record comes after the first write's: when the standby confirms it, it has
                // confirmed the first too (a first attempt answered 503 may have committed on the primary only).
                await SessionSql.CommitAsync(connection, CommitTimeout, ct);
                open = false;
            }

            return write;
        }
        finally
        {
            if (open)
            {
                await SessionSql.RollbackAsync(connection);
            }

            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<Outcome<SessionWrite>> ApplyLockedAsync(NpgsqlConnection connection, SessionWriteRequest request, CancellationToken ct)
    {
        var (session, prior) = await SessionSql.BeginAndLockAsync(connection, request.SessionId, request.LinkHash, request.Idempotency?.Key, ct);
        if (session is null)
        {
            return Missing.Session;
        }

        var (workflow, state) = await OpenAsync(session, ct);
        if (request.Actor.Id == Actor.Patient && RefusedToPatient(session, state) is { } notOpened)
        {
            return notOpened;
        }

        // Decided before a repeated key is answered, as it always was: a request that is not
        // acceptable is refused as such, whatever key it carries.
        var decided = request.Decide(new LockedSession(session, workflow, state));
        if (decided is not Outcome<SessionCommand>.Ok { Value: var command })
        {
            return decided.Failure<SessionWrite>();
        }

        if (prior is not null)
        {
            return string.Equals(prior.RequestHash, request.Idempotency!.RequestHash, StringComparison.Ordinal)
                ? new SessionWrite.Replayed(prior.StatusCode, prior.ResponseBody)
                : InterpreterRefusals.KeyReused;
        }

        var now = EventChain.Truncate(clock.GetUtcNow());
        var decision = ConsentInterpreter.Decide(workflow, state, command, now);
        if (decision is Decision.Refused refused)
        {
            return InterpreterRefusals.From(refused.Kind, refused.Reason);
        }

        var write = Prepare(request, workflow, session, state, ((Decision.Accepted)decision).Events, now);
        // Outbox jobs and whatever the caller added (a record, an invitation) join the same
        // transaction through EF, which then must not begin one of its own.
        var tracked = db.ChangeTracker.HasChanges();
        // A row changed through EF in this transaction would differ from the copy the cache keeps.
        var rowOnlyHere = !db.ChangeTracker.Entries<ConsentSession>().Any(e => e.State != EntityState.Unchanged);
        await SessionSql.WriteAsync(connection, session, write.Rows, write.Remembered, commit: !tracked, CommitTimeout, ct);
        if (tracked)
        {
            await SaveTrackedAndCommitAsync(connection, ct);
        }

        return Applied(workflow, session, write, rowOnlyHere);
    }

    /// <summary>
    /// The one-round-trip write (issue 18): when this node committed the session's last write, the request
    /// is decided on that row and state, held in <see cref="SessionStateCache"/>, and written with
    /// <see cref="SessionSql.WriteIfUnchangedAsync"/>, which changes nothing unless the row in the database is
    /// still exactly that one (same <c>last_seq</c>, <c>last_hash</c> and <c>xmin</c>). Null sends the request
    /// to the locking path, which decides it again on the row as it is: when nothing is cached, when anything
    /// but a plain accepted write comes out (a refusal, a key to look up, a patient turned away: the locking
    /// path answers those exactly as before), when the row moved on (another node wrote, or the row was
    /// changed), and when the Idempotency-Key was used before (the unique key fails the transaction).
    /// </summary>
    private async Task<Outcome<SessionWrite>?> TryWriteOptimisticallyAsync(NpgsqlConnection connection, SessionWriteRequest request, CancellationToken ct)
    {
        // What a caller added to the context (a paper scan) is saved with the write; its writes cannot be
        // undone once sent, so such a request takes the locking path.
        if (db.ChangeTracker.HasChanges() || states.FindWritable(request.SessionId) is not { } cached)
        {
            return null;
        }

        var (workflow, session, state) = cached;
        var now = EventChain.Truncate(clock.GetUtcNow());
        if ((request.LinkHash is not null && !string.Equals(session.LinkTokenHash, request.LinkHash, StringComparison.Ordinal))
            || (request.Actor.Id == Actor.Patient && (PatientBinding.Problem(session, state) is not null || TabletAccessOver(state, now)))
            || request.Decide(new LockedSession(session, workflow, state)) is not Outcome<SessionCommand>.Ok { Value: var command }
            || ConsentInterpreter.Decide(workflow, state, command, now) is not Decision.Accepted { Events.Count: > 0 } accepted)
        {
            return null;
        }

        var (expectedSeq, expectedHash, expectedXmin) = (session.LastSeq, session.LastHash, session.RowVersion);
        var write = Prepare(request, workflow, session, state, accepted.Events, now);
        var tracked = db.ChangeTracker.HasChanges();
        bool written;
        try
        {
            written = await SessionSql.WriteIfUnchangedAsync(
                connection, session, expectedSeq, expectedHash, expectedXmin, write.Rows, write.Remembered, commit: !tracked, CommitTimeout, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The key was used before (or an event holds the next sequence number): nothing was written,
            // and the locking path answers with the first answer (or the conflict) as it always did.
            written = false;
            tracked = true;
        }

        if (!written)
        {
            if (tracked)
            {
                await SessionSql.RollbackAsync(connection);
            }

            // The outbox jobs queued for this write are not saved; the locking path queues its own.
            foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
            {
                entry.State = EntityState.Detached;
            }

            states.Forget(request.SessionId);
            logger.LogDebug("Session {SessionId} moved on since this node's last write to it; written through the row lock.", request.SessionId);
            return null;
        }

        if (tracked)
        {
            await SaveTrackedAndCommitAsync(connection, ct);
        }

        return Applied(workflow, session, write, rowOnlyHere: true);
    }

    /// <summary>Seals the decided events onto the chain, moves the row and the state on, queues the outbox jobs and builds the answer.</summary>
    private PreparedWrite Prepare(
        SessionWriteRequest request, LoadedWorkflow workflow, ConsentSession session, SessionState state, IReadOnlyList<NewEvent> events, DateTimeOffset now)
    {
        var rows = Append(session, events, request.Actor, now);
        foreach (var row in rows)
        {
            state = ConsentInterpreter.Apply(workflow, state, ToRecorded(row));
        }

        session.Status = state.Status.ToString();
        session.UpdatedAt = now;
        // completed_at is when a consent was countersigned, or when a check-in was cleared (at its end, or when a
        // clinician released a held one): the consent gate's "a check-in was cleared today" reads it.
        if (state.Status is SessionStatus.Completed or SessionStatus.Cleared && session.CompletedAt is null)
        {
            session.CompletedAt = now;
        }

        if (state.ExpiresAt != default)
        {
            session.ExpiresAt = state.ExpiresAt;
        }

        var jobs = Outbox.SessionJobs.Enqueue(db, session, rows, state, now);
        var body = (request.Answer ?? StepAnswers.For)(session, state, rows);
        var remembered = request.Idempotency is not { } idempotency ? null : new IdempotencyEntry
        {
            SessionId = session.Id,
            Key = idempotency.Key,
            RequestHash = idempotency.RequestHash,
            StatusCode = StatusCodes.Status200OK,
            ResponseBody = body.ToJsonString(),
            CreatedAt = now,
        };
        return new PreparedWrite(rows, state, jobs, body, remembered);
    }

    /// <summary>Saves what EF tracks (outbox jobs, the caller's additions) in the open transaction, then commits.</summary>
    private async Task SaveTrackedAndCommitAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var behavior = db.Database.AutoTransactionBehavior;
        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Database.AutoTransactionBehavior = behavior;
        }

        await SessionSql.CommitAsync(connection, CommitTimeout, ct);
    }

    /// <summary>After the commit: the cache learns the new state (and the committed row, for the next one-round-trip write); the outbox wakes.</summary>
    private SessionWrite.Applied Applied(LoadedWorkflow workflow, ConsentSession session, PreparedWrite write, bool rowOnlyHere)
    {
        states.Remember(workflow, session.Id, session.LastSeq, session.LastHash, write.State, rowOnlyHere ? session : null);
        if (write.Jobs > 0)
        {
            queue.Wake();
        }

        return new SessionWrite.Applied(session, write.State, write.Rows, write.Body);
    }

    private sealed record PreparedWrite(List<ConsentEvent> Rows, SessionState State, int Jobs, JsonObject Body, IdempotencyEntry? Remembered);

    /// <summary>Creates a session row and its first event in one transaction.</summary>
    public async Task<(ConsentSession Session, SessionState State)> CreateAsync(
        ConsentSession session, LoadedWorkflow workflow, string patientDigest, Actor actor, CancellationToken ct, Supersedes? supersedes = null,
        ReliesOn? reliesOn = null, Signers? signers = null)
    {
        var now = EventChain.Truncate(clock.GetUtcNow());
        session.CreatedAt = now;
        session.UpdatedAt = now;
        session.ExpiresAt = now.Add(workflow.Definition.InvitationValidFor);
        var decision = ConsentInterpreter.Decide(workflow, SessionState.Empty,
            new CreateSession(session.Language, session.ExpiresAt, patientDigest, actor.Id, session.LinkTokenHash, supersedes, reliesOn, signers), now);
        if (decision is not Decision.Accepted accepted)
        {
            throw new InvalidOperationException("The interpreter refused to create a session: " + ((Decision.Refused)decision).Reason);
        }

        session.LastHash = EventChain.Genesis;
        var rows = Append(session, accepted.Events, actor, now);
        var state = SessionState.Empty;
        foreach (var row in rows)
        {
            state = ConsentInterpreter.Apply(workflow, state, ToRecorded(row));
        }

        session.Status = state.Status.ToString();
        db.Sessions.Add(session);
        db.Events.AddRange(rows);
        Outbox.SessionJobs.Enqueue(db, session, rows, state, now);
        await db.SaveChangesAsync(ct);
        return (session, state);
    }

    /// <summary>
    /// The workflow version a session was started on and its state now. The row names the workflow, but
    /// the row has no seal: when its workflow is not the one the first event sealed (changed outside the
    /// service), the state is replayed with the sealed one, so nothing is decided or shown on a workflow
    /// the session never ran on. Every check of the row against the chain (<see cref="PatientBinding"/>)
    /// reports the difference.
    /// </summary>
    public async Task<(LoadedWorkflow Workflow, SessionState State)> OpenAsync(ConsentSession session, CancellationToken ct)
    {
        var named = workflows.Find(session.WorkflowId, session.WorkflowVersion);
        SessionState? state = null;
        if (named is not null)
        {
            try
            {
                state = await StateAsync(named, session, ct);
            }
            catch (InvalidDataException)
            {
                // The events do not fit the workflow the row names; the sealed one is read below.
            }

            if (state is not null && RunsOn(named, state.WorkflowId, state.WorkflowVersion, state.WorkflowHash))
            {
                return (named, state);
            }
        }

        var created = await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id && e.Seq == 1 && e.Type == EventTypes.SessionCreated)
            .Select(e => e.Payload).SingleOrDefaultAsync(ct) is { } payload && JsonNode.Parse(payload) is JsonObject p
            ? SessionCreatedPayload.From(p) : null;
        var sealedWorkflow = created?.WorkflowId is { } id ? workflows.Find(id, created.WorkflowVersion) : null;
        if (sealedWorkflow is null || !RunsOn(sealedWorkflow, created!.WorkflowId, created.WorkflowVersion, created.WorkflowHash))
        {
            throw new InvalidOperationException(
                $"Session {session.Id} was started on workflow {created?.WorkflowId} v{created?.WorkflowVersion}, which this node has not loaded with that hash.");
        }

        return (sealedWorkflow, await StateAsync(sealedWorkflow, session, ct));
    }

    /// <summary>
    /// Null when the row agrees with its chain; otherwise, with an AUDIT ALERT, the refusal a patient
    /// gets: a row changed outside the service (another link, patient, workflow or language) opens nothing.
    /// </summary>
    public Refusal? RefusedToPatient(ConsentSession session, SessionState state)
    {
        if (PatientBinding.Problem(session, state) is not { } problem)
        {
            return TabletAccessOver(state, clock.GetUtcNow())
                ? new Refusal(RefusedAs.Forbidden, "This check-in has ended",
                    "This check-in was done on the clinic's tablet and has ended, so it no longer opens here. Ask the clinic for your signed check-in record, or to record that you withdraw your consent.")
                : null;
        }

        logger.LogCritical("AUDIT ALERT: refused to open session {SessionId} to a patient: {Problem}.", session.Id, problem);
        return new Refusal(RefusedAs.Forbidden, "This link cannot be used", "This consent form cannot be opened with this link. Please contact your clinic.");
    }

    /// <summary>
    /// True when a check-in done on the clinic's tablet ended more than <see cref="PatientAccess.TabletGrace"/> ago: the
    /// patient's access on the tablet ends with their part, whatever the tablet's cookie says, so whoever holds the tablet
    /// next can neither read the check-in nor withdraw the patient's consent. The minutes of grace let the patient read
    /// the ending page and withdraw there and then, as it offers; staff signing in on the tablet end it sooner.
    /// </summary>
    public static bool TabletAccessOver(SessionState state, DateTimeOffset now) =>
        state.LinkDevice == Devices.ClinicTablet && SessionLifecycle.IsEnded(state.Status)
        && (state.CheckinEndedAt ?? state.Ending?.At) is { } ended && now - ended > PatientAccess.TabletGrace;

    /// <summary>True when the sealed workflow is <paramref name="workflow"/> (or the chain does not say).</summary>
    private static bool RunsOn(LoadedWorkflow workflow, string? id, int version, string? hash) =>
        id is null || (id == workflow.Definition.Id && version == workflow.Definition.Version && (hash is null || hash == workflow.Hash));

    /// <summary>The state of a session as its row names it now: from the cache, else replayed from its events.</summary>
    public async Task<SessionState> StateAsync(LoadedWorkflow workflow, ConsentSession session, CancellationToken ct)
    {
        if (states.Find(workflow, session.Id, session.LastSeq, session.LastHash) is { } cached)
        {
            return cached;
        }

        // EF's open count: inside ApplyAsync the connection stays open in its transaction; a page's
        // read opens it here and closes it again.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var (state, lastSeq, lastHash) = await SessionSql.ReplayAsync((NpgsqlConnection)db.Database.GetDbConnection(), workflow, session.Id, ct);
            states.Remember(workflow, session.Id, lastSeq, lastHash, state);
            return state;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static RecordedEvent ToRecorded(ConsentEvent e) =>
        new(e.Seq, e.Type, e.StepId, JsonNode.Parse(e.Payload)?.AsObject() ?? [], e.ContentHash, e.Actor, e.At);

    private List<ConsentEvent> Append(ConsentSession session, IReadOnlyList<NewEvent> events, Actor actor, DateTimeOffset now)
    {
        var rows = new List<ConsentEvent>(events.Count);
        var previous = string.IsNullOrEmpty(session.LastHash) ? EventChain.Genesis : session.LastHash;
        foreach (var e in events)
        {
            var row = new ConsentEvent
            {
                SessionId = session.Id,
                Seq = session.LastSeq + rows.Count + 1,
                Type = e.Type,
                StepId = e.StepId,
                Payload = e.Payload.ToJsonString(),
                ContentHash = e.ContentHash,
                Actor = actor.Id,
                Ip = actor.Ip,
                UserAgent = actor.UserAgent,
                At = now,
            };
            EventChain.Seal(row, previous);
            seals.Seal(row);
            previous = row.Hash;
            rows.Add(row);
        }

        session.LastSeq += rows.Count;
        session.LastHash = previous;
        return rows;
    }
}
