using Stateless;

namespace Consent.Workflows;

/// <summary>Where a consent or check-in session is in its life; <c>status</c> in the API.</summary>
public enum SessionStatus
{
    Invited,
    InProgress,
    AwaitingCountersign,
    Completed,
    Declined,
    Referred,
    Expired,
    Voided,
    Withdrawn,

    /// <summary>A check-in with nothing to report (or released by a clinician after a discussion): the dose may go ahead.</summary>
    Cleared,

    /// <summary>
    /// A check-in that needs a clinician: an answer or a staff check's value met a hold, or the patient no
    /// longer agrees. The patient can do nothing more in it; a clinician decides (cleared or not today).
    /// </summary>
    Held,

    /// <summary>A held check-in the clinician decided against: no dose today.</summary>
    NotToday,
}

/// <summary>What moves a session from one status to another.</summary>
public enum LifecycleTrigger
{
    VerifyIdentity,
    PatientSign,
    Countersign,
    Decline,
    Refer,
    Expire,
    Void,
    Withdraw,

    /// <summary>A check-in ends with nothing to report, or a clinician clears a held one.</summary>
    Clear,

    /// <summary>A check-in ends needing a clinician.</summary>
    Hold,

    /// <summary>A clinician decides a held check-in: no dose today.</summary>
    NotToday,

    /// <summary>A clinician records the paper form the patient signed in their presence: the consent is completed on paper.</summary>
    RecordPaper,
}

/// <summary>The session lifecycle as a Stateless machine; the interpreter asks it before every status change.</summary>
public static class SessionLifecycle
{
    /// <summary>True when <paramref name="trigger"/> is allowed in <paramref name="status"/>.</summary>
    public static bool CanFire(SessionStatus status, LifecycleTrigger trigger) => Machine(status, out _).CanFire(trigger);

    /// <summary>The status after <paramref name="trigger"/>; throws <see cref="InvalidOperationException"/> when not allowed.</summary>
    public static SessionStatus Fire(SessionStatus status, LifecycleTrigger trigger)
    {
        var machine = Machine(status, out var current);
        machine.Fire(trigger);
        return current();
    }

    /// <summary>The triggers allowed in <paramref name="status"/>.</summary>
    public static IReadOnlyList<LifecycleTrigger> PermittedTriggers(SessionStatus status)
    {
        var machine = Machine(status, out _);
        return [.. Enum.GetValues<LifecycleTrigger>().Where(machine.CanFire)];
    }

    /// <summary>
    /// The events that end a session, and the status each leaves. Only a withdrawal (a completed consent
    /// withdrawn) and a clinician's decision on a held check-in follow another ending, so the last of these
    /// in a chain is the session's status: each event type leaves one status, whatever its payload.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, SessionStatus> Endings = new Dictionary<string, SessionStatus>(StringComparer.Ordinal)
    {
        [EventTypes.ClinicianCountersigned] = SessionStatus.Completed,
        [EventTypes.PaperConsentRecorded] = SessionStatus.Completed,
        [EventTypes.Declined] = SessionStatus.Declined,
        [EventTypes.StopReached] = SessionStatus.Referred,
        [EventTypes.Expired] = SessionStatus.Expired,
        [EventTypes.Voided] = SessionStatus.Voided,
        [EventTypes.Withdrawn] = SessionStatus.Withdrawn,
        [EventTypes.CheckinCleared] = SessionStatus.Cleared,
        [EventTypes.CheckinHeld] = SessionStatus.Held,
        [EventTypes.CheckinReleased] = SessionStatus.Cleared,
        [EventTypes.CheckinNotToday] = SessionStatus.NotToday,
    };

    /// <summary>
    /// The status a chain of event types (in order) gives, without the workflow: the last ending; else
    /// awaiting the countersignature once the patient signed, in progress once their identity was
    /// verified, else invited. What the replay computes for every chain it accepts; the row's copy is
    /// compared with it, as the row has no seal.
    /// </summary>
    /// <remarks>
    /// Signed means every signer the first event's <c>signers</c> names has signed (<see cref="Signers.Order"/>; the patient
    /// alone when absent): <paramref name="signersOf"/> reads them from that event's payload, and is asked only when
    /// anyone signed at all.
    /// </remarks>
    public static SessionStatus StatusOf(IEnumerable<string> eventTypes, Func<Signers>? signersOf = null)
    {
        SessionStatus? ended = null;
        var signatures = 0;
        var verified = false;
        foreach (var type in eventTypes)
        {
            if (Endings.TryGetValue(type, out var ending))
            {
                ended = ending;
            }

            signatures += type is EventTypes.PatientSigned or EventTypes.SignerSigned ? 1 : 0;
            verified |= type == EventTypes.IdentityVerified;
        }

        var signed = signatures > 0 && signatures >= (signersOf?.Invoke() ?? Signers.PatientAlone).Order.Length;
        return ended ?? (signed ? SessionStatus.AwaitingCountersign : verified ? SessionStatus.InProgress : SessionStatus.Invited);
    }

    /// <summary>
    /// True for statuses after which the patient can do nothing more. A <see cref="SessionStatus.Held"/>
    /// check-in is ended for the patient; only the clinician's decision follows it.
    /// </summary>
    public static bool IsEnded(SessionStatus status) => status switch
    {
        SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign => false,
        SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Referred or SessionStatus.Expired
            or SessionStatus.Voided or SessionStatus.Withdrawn
            or SessionStatus.Cleared or SessionStatus.Held or SessionStatus.NotToday => true,
    };

    private static StateMachine<SessionStatus, LifecycleTrigger> Machine(SessionStatus initial, out Func<SessionStatus> current)
    {
        var state = initial;
        current = () => state;
        var machine = new StateMachine<SessionStatus, LifecycleTrigger>(() => state, s => state = s);
        machine.Configure(SessionStatus.Invited)
            .Permit(LifecycleTrigger.VerifyIdentity, SessionStatus.InProgress)
            .Permit(LifecycleTrigger.RecordPaper, SessionStatus.Completed)
            .Permit(LifecycleTrigger.Decline, SessionStatus.Declined)
            .Permit(LifecycleTrigger.Expire, SessionStatus.Expired)
            .Permit(LifecycleTrigger.Void, SessionStatus.Voided);
        machine.Configure(SessionStatus.InProgress)
            .Permit(LifecycleTrigger.PatientSign, SessionStatus.AwaitingCountersign)
            .Permit(LifecycleTrigger.RecordPaper, SessionStatus.Completed)
            .Permit(LifecycleTrigger.Decline, SessionStatus.Declined)
            .Permit(LifecycleTrigger.Refer, SessionStatus.Referred)
            .Permit(LifecycleTrigger.Expire, SessionStatus.Expired)
            .Permit(LifecycleTrigger.Void, SessionStatus.Voided)
            .Permit(LifecycleTrigger.Clear, SessionStatus.Cleared)
            .Permit(LifecycleTrigger.Hold, SessionStatus.Held)
            .Permit(LifecycleTrigger.NotToday, SessionStatus.NotToday);
        machine.Configure(SessionStatus.AwaitingCountersign)
            .Permit(LifecycleTrigger.Countersign, SessionStatus.Completed)
            .Permit(LifecycleTrigger.Decline, SessionStatus.Declined)
            .Permit(LifecycleTrigger.Void, SessionStatus.Voided);
        machine.Configure(SessionStatus.Completed)
            .Permit(LifecycleTrigger.Withdraw, SessionStatus.Withdrawn);
        machine.Configure(SessionStatus.Held)
            .Permit(LifecycleTrigger.Clear, SessionStatus.Cleared)
            .Permit(LifecycleTrigger.NotToday, SessionStatus.NotToday);
        return machine;
    }
}
