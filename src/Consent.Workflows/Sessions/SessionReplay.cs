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
            EventTypes.SessionCreated => Created(state, e, SessionCreatedPayload.From(p)),
            EventTypes.IdentityVerified => Complete(state, e.StepId) with
            {
                Status = state.Status == SessionStatus.Invited ? Move(state, LifecycleTrigger.VerifyIdentity, e) : state.Status,
                Identity = state.Identity with { Verified = true, Failures = 0, VerifiedAt = state.Identity.VerifiedAt ?? e.At },
                VerifiedOn = state.VerifiedOn.Add(IdentityVerifiedPayload.From(p).Device ?? Devices.OwnDevice),
            },
            EventTypes.IdentityCheckFailed => state with { Identity = state.Identity with { Failures = state.Identity.Failures + 1 } },
            EventTypes.LinkLocked => state with { Identity = state.Identity with { Locked = true } },
            EventTypes.LinkReissued => state with
            {
                ExpiresAt = Payload.Time(LinkReissuedPayload.From(p).ExpiresAt) ?? state.ExpiresAt,
                LinkTokenHash = LinkReissuedPayload.From(p).LinkTokenHash ?? state.LinkTokenHash,
                LinkDevice = LinkReissuedPayload.From(p).Device,
                Identity = state.Identity with { Failures = 0, Locked = false },
            },
            EventTypes.AnswersRecorded => Complete(state, e.StepId) with { Answers = WithAnswers(state.Answers, AnswersRecordedPayload.From(p).Answers) },
            EventTypes.DisclosureAcknowledged => Acknowledged(state, e, DisclosureAcknowledgedPayload.From(p)),
            EventTypes.ComprehensionAttempted => QuizAttempted(state, e, ComprehensionAttemptedPayload.From(p)),
            EventTypes.HoldOpened => HoldOpened(workflow, state, e, HoldOpenedPayload.From(p, e.StepId)),
            EventTypes.DiscussionRecorded => DiscussionRecorded(state, e, DiscussionRecordedPayload.From(p)),
            EventTypes.QuestionAsked => Asked(state, e, QuestionAskedPayload.From(p)),
            EventTypes.QuestionAnswered => Answered(state, e, QuestionAnsweredPayload.From(p)),
            EventTypes.AskCompleted => Complete(state, e.StepId),
            EventTypes.AnswersReopened => e.StepId is { } reopened && workflow.FindStep(reopened) is QuestionsStep
                ? state with { CompletedSteps = state.CompletedSteps.Remove(reopened) }
                : throw new InvalidDataException($"event {e.Seq} ({e.Type}) names '{e.StepId}', which is not a questions step"),
            EventTypes.StopReached => Complete(state, e.StepId) with
            {
                Status = Move(state, LifecycleTrigger.Refer, e),
                Ending = new SessionEnding(SessionStatus.Referred, e.StepId, StopReachedPayload.From(p).Outcome,
                    (workflow.FindStep(e.StepId) as StopStep)?.Message, null, e.Actor, e.At),
            },
            EventTypes.PatientSigned => Signed(state, e, PatientSignedPayload.From(p)),
            EventTypes.SignerSigned => Signed(state, e, SignerSignedPayload.From(p)),
            EventTypes.ClinicianCountersigned => Complete(state, e.StepId) with
            {
                Status = Move(state, LifecycleTrigger.Countersign, e),
                Countersignature = new Countersignature(e.StepId ?? "", ClinicianCountersignedPayload.From(p).StaffId ?? e.Actor, e.ContentHash, e.At,
                    ClinicianCountersignedPayload.From(p).NameConfirmed),
            },
            EventTypes.PaperConsentRecorded => state with
            {
                Status = Move(state, LifecycleTrigger.RecordPaper, e),
                Paper = new PaperConsent(PaperConsentRecordedPayload.From(p), e.At),
            },
            EventTypes.RecordIssued => Issued(state, e, RecordIssuedPayload.From(p)),
            EventTypes.Declined => Ended(state, e, LifecycleTrigger.Decline, SessionStatus.Declined, DeclinedPayload.From(p).Reason, "patient"),
            EventTypes.Expired => Ended(state, e, LifecycleTrigger.Expire, SessionStatus.Expired, null, "system"),
            EventTypes.Voided => VoidedPayload.From(p) is var voided
                ? Ended(state, e, LifecycleTrigger.Void, SessionStatus.Voided, voided.Reason, voided.StaffId) : state,
            EventTypes.Withdrawn => WithdrawnPayload.From(p) is var withdrawn
                ? Ended(state, e, LifecycleTrigger.Withdraw, SessionStatus.Withdrawn, withdrawn.Reason, withdrawn.RecordedBy) : state,
            EventTypes.ReferralFollowedUp => ReferralFollowedUpPayload.From(p) is var followUp
                ? state with { FollowUp = new FollowUp(followUp.Note ?? "", followUp.StaffId ?? e.Actor, e.At) } : state,
            EventTypes.StaffCheckRecorded => StaffCheckRecordedPayload.From(p) is var check
                ? Complete(state, e.StepId) with
                {
                    StaffChecks = state.StaffChecks.SetItem(e.StepId ?? "", new StaffCheckEntry(e.StepId ?? "", (JsonObject)check.Values.DeepClone(), check.StaffId ?? e.Actor, e.At)),
                }
                : state,
            EventTypes.AffirmationRecorded => Complete(state, e.StepId) with { Affirmed = AffirmationRecordedPayload.From(p).Agrees },
            EventTypes.CheckinCleared => Ended(state, e, LifecycleTrigger.Clear, SessionStatus.Cleared, null, "system") with { CheckinEndedAt = e.At },
            EventTypes.CheckinHeld => Ended(state, e, LifecycleTrigger.Hold, SessionStatus.Held, null, "system") with
            {
                HoldReasons = CheckinHeldPayload.From(p).Reasons,
                CheckinEndedAt = e.At,
            },
            EventTypes.CheckinReleased or EventTypes.CheckinNotToday => Decided(state, e, CheckinDecidedPayload.From(e.Type, p)),
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

    private static SessionState Decided(SessionState state, RecordedEvent e, CheckinDecidedPayload decided)
    {
        var (trigger, status) = decided.Decision == CheckinDecision.Cleared
            ? (LifecycleTrigger.Clear, SessionStatus.Cleared)
            : (LifecycleTrigger.NotToday, SessionStatus.NotToday);
        var by = decided.StaffId ?? e.Actor;
        return Ended(state, e, trigger, status, decided.Note, by) with
        {
            CheckinDecision = new CheckinDecisionEntry(decided.Decision, decided.Note ?? "", by, e.At),
        };
    }

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

    private static SessionState Created(SessionState state, RecordedEvent e, SessionCreatedPayload created) => state with
    {
        Exists = true,
        Status = SessionStatus.Invited,
        WorkflowId = created.WorkflowId,
        WorkflowVersion = created.WorkflowVersion,
        WorkflowHash = created.WorkflowHash,
        Language = created.Language ?? "",
        ExpiresAt = Payload.Time(created.ExpiresAt) ?? e.At,
        PatientDigest = created.PatientDigest ?? "",
        LinkTokenHash = created.LinkTokenHash,
        Supersedes = created.Supersedes,
        ReliesOn = created.ReliesOn,
        Signers = created.Signers ?? Signers.PatientAlone,
        CreatedBy = created.CreatedBy ?? e.Actor,
        CreatedAt = e.At,
    };

    private static SessionState Acknowledged(SessionState state, RecordedEvent e, DisclosureAcknowledgedPayload acknowledged) =>
        Complete(state, e.StepId) with
        {
            Acknowledgments = state.Acknowledgments.SetItem(e.StepId ?? "", new Acknowledgment(
                e.StepId ?? "", e.At, acknowledged.Method, acknowledged.Initials, e.ContentHash ?? "")),
        };

    private static SessionState Asked(SessionState state, RecordedEvent e, QuestionAskedPayload asked) => state with
    {
        Questions = state.Questions.Add(new PatientQuestion(asked.QuestionId ?? $"q{state.Questions.Count + 1}", asked.Text, e.StepId, e.At)),
    };

    private static SessionState Answered(SessionState state, RecordedEvent e, QuestionAnsweredPayload answered) => state with
    {
        Questions = state.Questions.Select(q => q.Id == answered.QuestionId && q.Answer is null
            ? q with { Answer = answered.Answer ?? "", AnsweredBy = answered.StaffId ?? e.Actor, AnsweredAt = e.At }
            : q).ToImmutableList(),
    };

    private static SessionState Signed(SessionState state, RecordedEvent e, PatientSignedPayload signed) => Signature(state with
    {
        PatientSignature = new PatientSignature(e.StepId ?? "", signed.FullName, signed.Strokes, e.ContentHash, e.At, signed.NameMatches),
    }, e, new SignerSignature(SignerKind.Patient, e.StepId ?? "", signed.FullName, signed.Strokes, e.ContentHash, e.At, signed.NameMatches, signed.Mark));

    private static SessionState Signed(SessionState state, RecordedEvent e, SignerSignedPayload signed) =>
        Signature(state, e, new SignerSignature(signed.Signer, e.StepId ?? "", signed.FullName, signed.Strokes, e.ContentHash, e.At, signed.NameMatches));

    /// <summary>Adds one signature; the last one the ceremony needs completes the signature step and awaits the countersignature.</summary>
    private static SessionState Signature(SessionState state, RecordedEvent e, SignerSignature signature)
    {
        if (state.NextSigner != signature.Signer)
        {
            throw new InvalidDataException($"event {e.Seq} ({e.Type}) is a signature by the {SignerNames.Of(signature.Signer)}, whose turn it was not");
        }

        var next = state with { Signatures = state.Signatures.Add(signature) };
        return next.NextSigner is null
            ? Complete(next, e.StepId) with { Status = Move(state, LifecycleTrigger.PatientSign, e) }
            : next;
    }

    private static SessionState Issued(SessionState state, RecordedEvent e, RecordIssuedPayload issued) => state with
    {
        Records = state.Records.Add(new IssuedRecord(issued.Sha256, issued.Kind, e.At)),
    };

    private static SessionState QuizAttempted(SessionState state, RecordedEvent e, ComprehensionAttemptedPayload attempted)
    {
        var id = e.StepId ?? "";
        var attempts = state.QuizAttempts.GetValueOrDefault(id, []);
        var answers = attempted.Answers.ToImmutableSortedDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var attempt = new QuizAttempt(attempts.Count + 1, answers, attempted.Correct, attempted.Passed, [.. attempted.Review], e.At);
        var next = state with { QuizAttempts = state.QuizAttempts.SetItem(id, attempts.Add(attempt)) };
        return attempted.Passed || attempted.AttemptsLeft <= 0 ? Complete(next, e.StepId) : next;
    }

    private static SessionState HoldOpened(WorkflowDefinition workflow, SessionState state, RecordedEvent e, HoldOpenedPayload opened)
    {
        var reason = (workflow.FindStep(e.StepId) as DiscussionStep)?.Reason;
        var hold = new Hold(opened.HoldId, opened.Kind, e.StepId ?? "", reason, e.At);
        var next = state with { Holds = state.Holds.Add(hold) };
        return opened.Kind == HoldKind.Discussion ? Complete(next, e.StepId) : next;
    }

    private static SessionState DiscussionRecorded(SessionState state, RecordedEvent e, DiscussionRecordedPayload recorded)
    {
        var resolved = recorded.ResolvedHolds.ToHashSet(StringComparer.Ordinal);
        var by = recorded.StaffId ?? e.Actor;
        return state with
        {
            Holds = state.Holds.Select(h => h.IsOpen && resolved.Contains(h.Id)
                ? h with { ResolvedBy = by, ResolvedAt = e.At, Note = recorded.Note }
                : h).ToImmutableList(),
        };
    }
}
