using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;

namespace Consent.Web.UseCases.Patients;

/// <summary>
/// The ethics reviewer's "walk through as the patient": a workflow version, in one of its languages,
/// on the real patient pages, with no session. A preview lives in this node's memory only, for one
/// hour, and opens only for the reviewer who started it. Every step is decided by the same interpreter
/// (<see cref="ConsentInterpreter.Decide"/>) a real session uses, so what the reviewer sees (a stop,
/// a quiz held for a discussion, the certification before signing) is what a patient would; but
/// nothing is written: no session row, no event, no email, no record.
/// </summary>
/// <remarks>
/// The reviewer approves what patients will read: 21 CFR 56.109(b) has the IRB require that the
/// information given to subjects is in accordance with 50.25, and the FDA/OHRP eIC Q&amp;A (December 2016)
/// asks it to review the electronic consent material in the forms the subject will see and use.
/// A fictitious patient stands in for the real one: the name and date of birth the banner gives.
/// </remarks>
public sealed class PatientPreviews(WorkflowRegistry workflows, TimeProvider clock)
{
    /// <summary>How long a preview stays open after it was started.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The fictitious patient's name, typed to sign.</summary>
    public const string PatientName = "Alex Morgan";

    /// <summary>The fictitious patient's date of birth, entered on the first page.</summary>
    public static readonly DateOnly DateOfBirth = new(1980, 3, 15);

    /// <summary>Previews one reviewer may hold open at once; starting another ends their oldest.</summary>
    public const int PerReviewer = 5;

    /// <summary>Previews this node holds at most, so memory stays bounded whatever reviewers do.</summary>
    public const int MaxOpen = 200;

    private readonly ConcurrentDictionary<string, Preview> byLink = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Preview> byId = new();
    private readonly Lock starting = new();

    /// <summary>Starts a preview of a loaded workflow version in one of its languages; the link token opens it.</summary>
    public Outcome<string> Start(string workflowId, int version, string language, Guid reviewer)
    {
        if (workflows.Find(workflowId, version) is not { } workflow)
        {
            return new Missing("There is no such workflow version.");
        }

        if (!workflow.Definition.Languages.Contains(language))
        {
            return FieldErrors.One("language", $"This version is not written in '{(language.Length > 10 ? language[..10] + "…" : language)}'.");
        }

        var now = EventChain.Truncate(clock.GetUtcNow());
        var token = LinkTokens.Create();
        var session = new ConsentSession
        {
            Id = Guid.CreateVersion7(),
            WorkflowId = workflow.Definition.Id,
            WorkflowVersion = workflow.Definition.Version,
            WorkflowHash = workflow.Hash,
            Language = language,
            PatientName = PatientName,
            PatientDateOfBirth = DateOfBirth,
            LinkTokenHash = LinkTokens.Hash(token),
            CreatedBy = reviewer,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now.Add(Lifetime),
        };
        var preview = new Preview(session, workflow, reviewer, now.Add(Lifetime));
        var created = Decide(preview, new CreateSession(language, session.ExpiresAt, PatientBinding.Digest(session), reviewer.ToString("D"), session.LinkTokenHash), Actor.Service.Id, now);
        if (created is not Decision.Accepted)
        {
            throw new InvalidOperationException("The interpreter refused to create a preview: " + ((Decision.Refused)created).Reason);
        }

        lock (starting)
        {
            Sweep(now);
            foreach (var old in byId.Values.Where(p => p.Reviewer == reviewer).OrderBy(p => p.Until).SkipLast(PerReviewer - 1).ToList())
            {
                Remove(old);
            }

            if (byId.Count >= MaxOpen)
            {
                return new Refusal(RefusedAs.Conflict, "Too many previews",
                    $"{MaxOpen} previews are open on this server; please try again within the hour.");
            }

            byId[session.Id] = preview;
            byLink[session.LinkTokenHash] = preview;
        }

        return token;
    }

    /// <summary>The preview behind a link token while it is open, else null.</summary>
    public Preview? Find(string token) =>
        LinkTokens.LooksValid(token) && byLink.TryGetValue(LinkTokens.Hash(token), out var preview) && Open(preview) ? preview : null;

    /// <summary>True when a preview with this id is open on this node.</summary>
    public bool Holds(Guid sessionId) => byId.TryGetValue(sessionId, out var preview) && Open(preview);

    /// <summary>
    /// A patient's write to a preview, as <see cref="SessionWriter.ApplyAsync"/> does it for a session
    /// but in memory: <see cref="SessionWriteRequest.Decide"/> chooses the command, the interpreter decides,
    /// and the new events change the preview's state. An idempotency key is not remembered: a preview has
    /// no second client to replay to, and a repeated form meets the interpreter's own refusal.
    /// </summary>
    public Outcome<SessionWrite> Apply(SessionWriteRequest request)
    {
        if (!byId.TryGetValue(request.SessionId, out var preview) || !Open(preview))
        {
            return Missing.Session;
        }

        lock (preview)
        {
            var decided = request.Decide(new LockedSession(preview.Session, preview.Workflow, preview.State));
            if (decided is not Outcome<SessionCommand>.Ok { Value: var command })
            {
                return decided.Failure<SessionWrite>();
            }

            var now = EventChain.Truncate(clock.GetUtcNow());
            var decision = Decide(preview, command, request.Actor.Id, now);
            if (decision is Decision.Refused refused)
            {
                return InterpreterRefusals.From(refused.Kind, refused.Reason);
            }

            var rows = preview.Added;
            var body = (request.Answer ?? StepAnswers.For)(preview.Session, preview.State, rows);
            return new SessionWrite.Applied(preview.Session, preview.State, rows, body);
        }
    }

    /// <summary>
    /// The preview's "the clinician has done their part": every question answered, every hold discussed,
    /// and the countersignature once the patient has signed, each by the reviewer, so the reviewer sees
    /// the pages that follow. A real session waits for a real clinician at these points.
    /// </summary>
    public Outcome<SessionState> ActAsClinician(Guid sessionId, Guid reviewer, string answer, string note)
    {
        if (!byId.TryGetValue(sessionId, out var preview) || !Open(preview) || preview.Reviewer != reviewer)
        {
            return Missing.Session;
        }

        lock (preview)
        {
            var staff = reviewer.ToString("D");
            var now = EventChain.Truncate(clock.GetUtcNow());
            foreach (var question in preview.State.UnansweredQuestions.ToList())
            {
                Decide(preview, new AnswerQuestion(question.Id, answer, staff), staff, now);
            }

            if (preview.State.OpenHolds.Any())
            {
                Decide(preview, new RecordDiscussion(note, staff), staff, now);
            }

            if (preview.State.Status == SessionStatus.AwaitingCountersign)
            {
                Decide(preview, new Countersign(staff, StatementAccepted: true, NameConfirmed: true), staff, now);
            }

            return preview.State;
        }
    }

    /// <summary>Ends a preview now (the reviewer leaves it).</summary>
    public void End(Guid sessionId, Guid reviewer)
    {
        if (byId.TryGetValue(sessionId, out var preview) && preview.Reviewer == reviewer)
        {
            Remove(preview);
        }
    }

    /// <summary>The number of previews open on this node (for tests and the bound above).</summary>
    public int OpenCount
    {
        get
        {
            Sweep(clock.GetUtcNow());
            return byId.Count;
        }
    }

    private bool Open(Preview preview)
    {
        if (clock.GetUtcNow() < preview.Until)
        {
            return true;
        }

        Remove(preview);
        return false;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var old in byId.Values.Where(p => now >= p.Until).ToList())
        {
            Remove(old);
        }
    }

    private void Remove(Preview preview)
    {
        byId.TryRemove(preview.Session.Id, out _);
        byLink.TryRemove(preview.Session.LinkTokenHash, out _);
    }

    /// <summary>Asks the interpreter and, when it accepts, applies the events to the preview; the caller holds its lock.</summary>
    private static Decision Decide(Preview preview, SessionCommand command, string actor, DateTimeOffset now)
    {
        var decision = ConsentInterpreter.Decide(preview.Workflow, preview.State, command, now);
        var added = new List<ConsentEvent>();
        if (decision is Decision.Accepted accepted)
        {
            foreach (var e in accepted.Events)
            {
                var seq = preview.State.LastSeq + 1;
                preview.State = ConsentInterpreter.Apply(preview.Workflow, preview.State,
                    new RecordedEvent(seq, e.Type, e.StepId, e.Payload, e.ContentHash, actor, now));
                added.Add(new ConsentEvent
                {
                    SessionId = preview.Session.Id, Seq = seq, Type = e.Type, StepId = e.StepId,
                    Payload = e.Payload.ToJsonString(), ContentHash = e.ContentHash, Actor = actor, At = now,
                });
            }

            preview.Session.Status = preview.State.Status.ToString();
            preview.Session.LastSeq = preview.State.LastSeq;
            preview.Session.UpdatedAt = now;
        }

        preview.Added = added;
        return decision;
    }
}

/// <summary>One open preview: its stand-in session row (never stored), workflow, state, and the reviewer it opens for.</summary>
public sealed class Preview(ConsentSession session, LoadedWorkflow workflow, Guid reviewer, DateTimeOffset until)
{
    public ConsentSession Session { get; } = session;

    public LoadedWorkflow Workflow { get; } = workflow;

    public Guid Reviewer { get; } = reviewer;

    public DateTimeOffset Until { get; } = until;

    public SessionState State { get; internal set; } = SessionState.Empty;

    /// <summary>The events the last accepted command added (for the answer a write gives).</summary>
    internal IReadOnlyList<ConsentEvent> Added { get; set; } = [];
}
