using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Consent.Workflows;

/// <summary>Decisions on what staff and the system do: answers, discussions, voiding, withdrawal, expiry, links, records.</summary>
internal sealed partial record DecisionContext
{
    public const int MaxNoteLength = 4000;

    public Decision AnswerQuestion(AnswerQuestion c)
    {
        if (SessionLifecycle.IsEnded(State.Status))
        {
            return Refuse(RefusalKind.Conflict, $"the session is {State.Status}");
        }
        var question = State.Questions.FirstOrDefault(q => q.Id == c.QuestionId);
        if (question is null)
        {
            return Refuse(RefusalKind.NotFound, $"there is no question '{c.QuestionId}'");
        }
        if (question.Answer is not null)
        {
            return Refuse(RefusalKind.Conflict, $"question '{c.QuestionId}' is already answered");
        }
        var answer = Clean(c.Answer);
        if (answer is null || answer.Length > MaxNoteLength)
        {
            return Refuse(RefusalKind.Invalid, $"an answer is 1 to {MaxNoteLength} characters");
        }
        if (Hidden(answer))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the clinician is unknown");
        }
        return Decision.Accept(new QuestionAnsweredPayload(question.Id, answer, staff).On(question.StepId));
    }

    public Decision RecordDiscussion(RecordDiscussion c)
    {
        if (SessionLifecycle.IsEnded(State.Status))
        {
            return Refuse(RefusalKind.Conflict, $"the session is {State.Status}");
        }
        var open = State.OpenHolds.Select(h => h.Id).ToList();
        if (open.Count == 0)
        {
            return Refuse(RefusalKind.Conflict, "no discussion is needed in this session now");
        }
        return ClinicianNote(c.Note, c.StaffId, "a discussion note", out var note, out var staff)
            ?? Decision.Accept(new DiscussionRecordedPayload(note, staff, [.. open]).On(null));
    }

    /// <summary>
    /// Checks a clinician's note (1 to <see cref="MaxNoteLength"/> visible characters) and staff id: the
    /// refusal, or null with both cleaned.
    /// </summary>
    private static Decision? ClinicianNote(string? given, string? staffId, string what, out string note, out string staff)
    {
        note = Clean(given) ?? "";
        staff = Clean(staffId) ?? "";
        if (note.Length == 0 || note.Length > MaxNoteLength)
        {
            return Refuse(RefusalKind.Invalid, $"{what} is 1 to {MaxNoteLength} characters");
        }
        if (Hidden(note))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        return staff.Length == 0 ? Refuse(RefusalKind.Invalid, "the clinician is unknown") : null;
    }

    /// <summary>Once per referral: the follow-up the patient was promised, with a note. The session stays Referred.</summary>
    public Decision FollowUpReferral(FollowUpReferral c)
    {
        if (State.Status != SessionStatus.Referred)
        {
            return Refuse(RefusalKind.Conflict, "only a referred session is followed up");
        }
        if (State.FollowUp is not null)
        {
            return Refuse(RefusalKind.Conflict, "this referral was already followed up");
        }
        var note = Clean(c.Note);
        if (note is null || note.Length > MaxNoteLength)
        {
            return Refuse(RefusalKind.Invalid, $"a follow-up note is 1 to {MaxNoteLength} characters");
        }
        if (Hidden(note))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the clinician is unknown");
        }
        return Decision.Accept(new ReferralFollowedUpPayload(note, staff).On(null));
    }

    public Decision Void(VoidSession c)
    {
        if (!SessionLifecycle.CanFire(State.Status, LifecycleTrigger.Void))
        {
            return Refuse(RefusalKind.Conflict, $"a {State.Status} session cannot be voided");
        }
        if (CheckinHolds.Pending(Definition, State) is { Count: > 0 } holds)
        {
            // Voiding would drop what the patient reported (and let a new check-in start clean): a clinician decides.
            return Refuse(RefusalKind.Conflict,
                $"the patient's answers already hold this check-in ({string.Join(", ", holds.Select(h => h.Id))}), so it cannot be voided; decide 'not-today' instead");
        }
        var reason = Clean(c.Reason);
        if (reason is null || reason.Length > MaxNoteLength)
        {
            return Refuse(RefusalKind.Invalid, "please give the reason for voiding");
        }
        if (Hidden(reason))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the staff member is unknown");
        }
        return Decision.Accept(new VoidedPayload(reason, staff).On(null));
    }

    public Decision Withdraw(Withdraw c)
    {
        if (!SessionLifecycle.CanFire(State.Status, LifecycleTrigger.Withdraw))
        {
            return Refuse(RefusalKind.Conflict, "only a completed consent can be withdrawn");
        }
        var reason = Clean(c.Reason) ?? "";
        if (reason.Length > MaxNoteLength)
        {
            return Refuse(RefusalKind.Invalid, $"the reason is at most {MaxNoteLength} characters");
        }
        if (reason.Length > 0 && Hidden(reason))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        if (Clean(c.RecordedBy) is not { } by)
        {
            return Refuse(RefusalKind.Invalid, "say who records the withdrawal");
        }
        return Decision.Accept(new WithdrawnPayload(reason, by).On(null));
    }

    public Decision Expire()
    {
        if (State.Status is not (SessionStatus.Invited or SessionStatus.InProgress) || !SessionLifecycle.CanFire(State.Status, LifecycleTrigger.Expire))
        {
            return Refuse(RefusalKind.Conflict, $"a {State.Status} session does not expire");
        }
        if (Now <= State.ExpiresAt)
        {
            return Refuse(RefusalKind.Conflict, "the link has not expired yet");
        }
        // A check-in whose answers already hold it is held, not expired, when its link runs out: what the patient
        // reported reaches a clinician's decision, and the hold keeps a new check-in from stepping around it.
        return CheckinHolds.Pending(Definition, State) is { Count: > 0 } holds
            ? Decision.Accept(new CheckinHeldPayload([.. holds]).On(null))
            : Decision.Accept(new ExpiredPayload(Payload.Iso(State.ExpiresAt)).On(null));
    }

    public Decision ReissueLink(ReissueLink c)
    {
        if (State.Status is not (SessionStatus.Invited or SessionStatus.InProgress))
        {
            return Refuse(RefusalKind.Conflict, $"the link of a {State.Status} session cannot be reissued");
        }
        if (c.NewExpiresAt <= Now)
        {
            return Refuse(RefusalKind.Invalid, "the new link must expire in the future");
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the staff member is unknown");
        }
        if (c.Device is not (null or Devices.ClinicTablet))
        {
            return Refuse(RefusalKind.Invalid, $"a link is made for the patient's own device or for a {Devices.ClinicTablet}");
        }
        return Decision.Accept(new LinkReissuedPayload(Payload.Iso(c.NewExpiresAt), staff, c.LinkTokenHash, c.Device).On(null));
    }

    public Decision IssueRecord(IssueRecord c)
    {
        if (!SessionLifecycle.IsEnded(State.Status))
        {
            return Refuse(RefusalKind.Conflict, "a record is issued once the session has ended");
        }
        if (c.Sha256 is null || !Sha256Pattern().IsMatch(c.Sha256))
        {
            return Refuse(RefusalKind.Invalid, "sha256 must be 64 lower-case hex digits");
        }
        if (c.Kind is null || !KindPattern().IsMatch(c.Kind))
        {
            return Refuse(RefusalKind.Invalid, "kind must be 1 to 40 letters, digits and dashes, starting with a letter");
        }
        // One record of each kind per session: a retried issuing job must not log the issue twice.
        if (State.Records.Any(r => string.Equals(r.Kind, c.Kind, StringComparison.Ordinal)))
        {
            return Refuse(RefusalKind.Conflict, $"a {c.Kind} record was already issued for this session");
        }
        return Decision.Accept(new RecordIssuedPayload(c.Sha256, c.Kind).On(null));
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,39}$")]
    private static partial Regex KindPattern();
}
