namespace Consent.Web.Data.Entities;

/// <summary>
/// One entry of the system audit trail: a staff action or a staff read of patient data, append-only and
/// hash-chained across the whole service (21 CFR 11.10(e); 45 CFR 164.312(b), 164.528). See docs/system-events.md.
/// </summary>
public sealed class SystemEvent
{
    /// <summary>The event's number in the one system chain: 1, 2, 3 … without gaps, in chain order.</summary>
    public long Seq { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>A stable dotted name (<see cref="SystemEvents.SystemEventTypes"/>).</summary>
    public string Type { get; set; } = "";

    /// <summary>A staff user id, <c>system</c>, or <c>anonymous</c> (a sign-in attempt before anyone is known).</summary>
    public string Actor { get; set; } = "";

    public string? ActorEmail { get; set; }

    public Guid? PatientId { get; set; }

    public Guid? SessionId { get; set; }

    /// <summary>jsonb: what was done; never a password or another secret.</summary>
    public string Detail { get; set; } = "{}";

    public string? Ip { get; set; }

    public string? UserAgent { get; set; }

    public string PrevHash { get; set; } = "";

    public string Hash { get; set; } = "";
}
