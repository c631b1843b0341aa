using Stateless;

namespace Consent.Workflows;

/// <summary>Where a consent session is in its life; <c>status</c> in the API.</summary>
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
    /// The events that end a session, and the status each leaves. Only a withdrawal follows another ending
    /// (a completed consent withdrawn), so the last of these in a chain is the session's status.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, SessionStatus> Endings = new Dictionary<string, SessionStatus>(StringComparer.Ordinal)
    {
        [EventTypes.ClinicianCountersigned] = SessionStatus.Completed,
        [EventTypes.Declined] = SessionStatus.Declined,
        [EventTypes.StopReached] = SessionStatus.Referred,
        [EventTypes.Expired] = SessionStatus.Expired,
        [EventTypes.Voided] = SessionStatus.Voided,
        [EventTypes.Withdrawn] = SessionStatus.Withdrawn,
    };

    /// <summary>
    /// The status a chain of event types (in order) gives, without the workflow: the last ending; else
    /// awaiting the countersignature once the patient signed, in progress once their identity was
    /// verified, else invited. What the replay computes for every chain it accepts; the row's copy is
    /// compared with it, as the row has no seal.
    /// </summary>
    public static SessionStatus StatusOf(IEnumerable<string> eventTypes)
    {
        SessionStatus? ended = null;
        var signed = false;
        var verified = false;
        foreach (var type in eventTypes)
        {
            if (Endings.TryGetValue(type, out var ending))
            {
                ended = ending;
            }

            signed |= type == EventTypes.PatientSigned;
            verified |= type == EventTypes.IdentityVerified;
        }

        return ended ?? (signed ? SessionStatus.AwaitingCountersign : verified ? SessionStatus.InProgress : SessionStatus.Invited);
    }

    /// <summary>True for statuses after which the patient can do nothing more.</summary>
    public static bool IsEnded(SessionStatus status) => status switch
    {
        SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign => false,
        SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Referred or SessionStatus.Expired
            or SessionStatus.Voided or SessionStatus.Withdrawn => true,
    };

    private static StateMachine<SessionStatus, LifecycleTrigger> Machine(SessionStatus initial, out Func<SessionStatus> current)
    {
        var state = initial;
        current = () => state;
        var machine = new StateMachine<SessionStatus, LifecycleTrigger>(() => state, s => state = s);
        machine.Configure(SessionStatus.Invited)
            .Permit(LifecycleTrigger.VerifyIdentity, SessionStatus.InProgress)
            .Permit(LifecycleTrigger.Decline, SessionStatus.Declined)
            .Permit(LifecycleTrigger.Expire, SessionStatus.Expired)
            .Permit(LifecycleTrigger.Void, SessionStatus.Voided);
        machine.Configure(SessionStatus.InProgress)
            .Permit(LifecycleTrigger.PatientSign, SessionStatus.AwaitingCountersign)
            .Permit(LifecycleTrigger.Decline, SessionStatus.Declined)
            .Permit(LifecycleTrigger.Refer, SessionStatus.Referred)
            .Permit(LifecycleTrigger.Expire, SessionStatus.Expired)
            .Permit(LifecycleTrigger.Void, SessionStatus.Voided);
        machine.Configure(SessionStatus.AwaitingCountersign)
            .Permit(LifecycleTrigger.Countersign, SessionStatus.Completed)
            .Permit(LifecycleTrigger.Decline, SessionStatus.Declined)
            .Permit(LifecycleTrigger.Void, SessionStatus.Voided);
        machine.Configure(SessionStatus.Completed)
            .Permit(LifecycleTrigger.Withdraw, SessionStatus.Withdrawn);
        return machine;
    }
}
