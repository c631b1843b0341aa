using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Applies one recorded event to a session state; the fold behind <see cref="ConsentInterpreter.Replay"/>.</summary>
/// <remarks>Event types this version does not know (written by the host for its own audit) change nothing.</remarks>
internal static class SessionReplay
{
    public static SessionState Apply(WorkflowDefinition workflow, SessionState state, RecordedEvent e)
    {
        var p = e.Payload;
        var next = e.Type switch
        {
            EventTypes.SessionCreated => state with
            {
                Exists = true,
                Status = SessionStatus.Invited,
                Language = Payload.Text(p, "language") ?? "",
                ExpiresAt = Payload.Time(p, "expiresAt") ?? e.At,
                PatientDigest = Payload.Text(p, "patientDigest") ?? "",
                CreatedBy = Payload.Text(p, "createdBy") ?? e.Actor,
                CreatedAt = e.At,
            },
            EventTypes.IdentityVerified => Complete(state, e.StepId) with
            {
                Status = state.Status == SessionStatus.Invited ? Move(state, LifecycleTrigger.VerifyIdentity, e) : state.Status,
                Identity = state.Identity with { Verified = true, Failures = 0, VerifiedAt = state.Identity.VerifiedAt ?? e.At },
            },
            EventTypes.IdentityCheckFailed => state with { Identity = state.Identity with { Failures = state.Identity.Failures + 1 } },
            EventTypes.LinkLocked => state with { Identity = state.Identity with { Locked = true } },
            EventTypes.LinkReissued => state with
            {
                ExpiresAt = Payload.Time(p, "expiresAt") ?? state.ExpiresAt,
                Identity = state.Identity with { Failures = 0, Locked = false },
            },
            EventTypes.AnswersRecorded => Complete(state, e.StepId) with { Answers = WithAnswers(state.Answers, p["answers"] as JsonObject) },
            EventTypes.DisclosureAcknowledged => Complete(state, e.StepId) with
            {
                Acknowledgments = state.Acknowledgments.SetItem(e.StepId ?? "", new Acknowledgment(
                    e.StepId ?? "", e.At, Payload.Text(p, "method") == "initials" ? AcknowledgeMethod.Initials : AcknowledgeMethod.Checkbox,
                    Payload.Text(p, "initials"), e.ContentHash ?? "")),
            },
            EventTypes.ComprehensionAttempted => QuizAttempted(state, e),
            EventTypes.HoldOpened => HoldOpened(workflow, state, e),
            EventTypes.DiscussionRecorded => DiscussionRecorded(state, e),
            EventTypes.QuestionAsked => state with
            {
                Questions = state.Questions.Add(new PatientQuestion(Payload.Text(p, "questionId") ?? $"q{state.Questions.Count + 1}",
                    Payload.Text(p, "text") ?? "", e.StepId, e.At)),
            },
            EventTypes.QuestionAnswered => state with
            {
                Questions = state.Questions.Select(q => q.Id == Payload.Text(p, "questionId") && q.Answer is null
                    ? q with { Answer = Payload.Text(p, "answer") ?? "", AnsweredBy = Payload.Text(p, "staffId") ?? e.Actor, AnsweredAt = e.At }
                    : q).ToImmutableList(),
            },
            EventTypes.AskCompleted => Complete(state, e.StepId),
            EventTypes.StopReached => Complete(state, e.StepId) with
            {
                Status = Move(state, LifecycleTrigger.Refer, e),
                Ending = new SessionEnding(SessionStatus.Referred, e.StepId, Payload.Text(p, "outcome"),
                    (workflow.FindStep(e.StepId) as StopStep)?.Message, null, e.Actor, e.At),
            },
            EventTypes.PatientSigned => Complete(state, e.StepId) with
            {
                Status = Move(state, LifecycleTrigger.PatientSign, e),
                PatientSignature = new PatientSignature(e.StepId ?? "", Payload.Text(p, "fullName") ?? "", Strokes(p["strokes"]), e.ContentHash, e.At),
            },
            EventTypes.ClinicianCountersigned => Complete(state, e.StepId) with
            {
                Status = Move(state, LifecycleTrigger.Countersign, e),
                Countersignature = new Countersignature(e.StepId ?? "", Payload.Text(p, "staffId") ?? e.Actor, e.ContentHash, e.At),
            },
            EventTypes.RecordIssued => state with
            {
                Records = state.Records.Add(new IssuedRecord(Payload.Text(p, "sha256") ?? "", Payload.Text(p, "kind") ?? "", e.At)),
            },
            EventTypes.Declined => Ended(state, e, LifecycleTrigger.Decline, SessionStatus.Declined, Payload.Text(p, "reason"), "patient"),
            EventTypes.Expired => Ended(state, e, LifecycleTrigger.Expire, SessionStatus.Expired, null, "system"),
            EventTypes.Voided => Ended(state, e, LifecycleTrigger.Void, SessionStatus.Voided, Payload.Text(p, "reason"), Payload.Text(p, "staffId")),
            EventTypes.Withdrawn => Ended(state, e, LifecycleTrigger.Withdraw, SessionStatus.Withdrawn, Payload.Text(p, "reason"), Payload.Text(p, "recordedBy")),
            _ => state,
        };
        return SessionProgressRules.Derive(workflow, next with { LastSeq = e.Seq });
    }

    private static SessionStatus Move(SessionState state, LifecycleTrigger trigger, RecordedEvent e) =>
        SessionLifecycle.CanFire(state.Status, trigger)
            ? SessionLifecycle.Fire(state.Status, trigger)
            : throw new InvalidDataException($"event {e.Seq} ({e.Type}) cannot happen while the session is {state.Status}");

    private static SessionState Complete(SessionState state, string? stepId) =>
        stepId is null || state.CompletedSteps.Contains(stepId) ? state : state with { CompletedSteps = state.CompletedSteps.Add(stepId) };

    private static SessionState Ended(SessionState state, RecordedEvent e, LifecycleTrigger trigger, SessionStatus status, string? reason, string? by) =>
        state with
        {
            Status = Move(state, trigger, e),
            Ending = new SessionEnding(status, e.StepId, null, null, reason, by ?? e.Actor, e.At),
        };

    private static ImmutableSortedDictionary<string, JsonNode> WithAnswers(ImmutableSortedDictionary<string, JsonNode> answers, JsonObject? given)
    {
        foreach (var (id, value) in given ?? [])
        {
            if (value is not null)
            {
                answers = answers.SetItem(id, value.DeepClone());
            }
        }
        return answers;
    }

    private static SessionState QuizAttempted(SessionState state, RecordedEvent e)
    {
        var p = e.Payload;
        var id = e.StepId ?? "";
        var attempts = state.QuizAttempts.GetValueOrDefault(id, []);
        var answers = (p["answers"] as JsonObject ?? [])
            .Where(a => a.Value is JsonValue v && v.TryGetValue<string>(out _))
            .ToImmutableSortedDictionary(a => a.Key, a => a.Value!.GetValue<string>(), StringComparer.Ordinal);
        var passed = Payload.Bool(p, "passed");
        var attempt = new QuizAttempt(attempts.Count + 1, answers, Payload.Int(p, "correct"), passed, [.. Payload.Texts(p, "review")], e.At);
        var next = state with { QuizAttempts = state.QuizAttempts.SetItem(id, attempts.Add(attempt)) };
        return passed || Payload.Int(p, "attemptsLeft") <= 0 ? Complete(next, e.StepId) : next;
    }

    private static SessionState HoldOpened(WorkflowDefinition workflow, SessionState state, RecordedEvent e)
    {
        var id = Payload.Text(e.Payload, "holdId") ?? e.StepId ?? "";
        var isDiscussion = Payload.Text(e.Payload, "kind") != "comprehension";
        var reason = (workflow.FindStep(e.StepId) as DiscussionStep)?.Reason;
        var hold = new Hold(id, isDiscussion ? HoldKind.Discussion : HoldKind.Comprehension, e.StepId ?? "", reason, e.At);
        var next = state with { Holds = state.Holds.Add(hold) };
        return isDiscussion ? Complete(next, e.StepId) : next;
    }

    private static SessionState DiscussionRecorded(SessionState state, RecordedEvent e)
    {
        var resolved = Payload.Texts(e.Payload, "resolvedHolds").ToHashSet(StringComparer.Ordinal);
        var by = Payload.Text(e.Payload, "staffId") ?? e.Actor;
        var note = Payload.Text(e.Payload, "note");
        return state with
        {
            Holds = state.Holds.Select(h => h.IsOpen && resolved.Contains(h.Id)
                ? h with { ResolvedBy = by, ResolvedAt = e.At, Note = note }
                : h).ToImmutableList(),
        };
    }

    private static ImmutableArray<ImmutableArray<(double X, double Y)>> Strokes(JsonNode? node) =>
        node is JsonArray strokes
            ? [.. strokes.OfType<JsonArray>().Select(stroke => stroke.OfType<JsonArray>()
                .Where(point => point.Count == 2)
                .Select(point => (point[0]!.GetValue<double>(), point[1]!.GetValue<double>()))
                .ToImmutableArray())]
            : [];
}
