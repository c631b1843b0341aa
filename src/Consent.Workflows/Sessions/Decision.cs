namespace Consent.Workflows;

/// <summary>Why a command was refused; the web maps these to 404, 409, 400, 410 and 423.</summary>
public enum RefusalKind
{
    /// <summary>No such session, step or question.</summary>
    NotFound,

    /// <summary>Not now: wrong step, already done, wrong status, waiting for holds or answers, stale content hash.</summary>
    Conflict,

    /// <summary>The request itself is wrong: unknown question, missing or malformed answer, name mismatch...</summary>
    Invalid,

    /// <summary>The patient link has expired.</summary>
    Gone,

    /// <summary>The patient link is locked after too many identity failures.</summary>
    Locked,
}

/// <summary>What the interpreter decided about a command: events to append, or a refusal with a reason.</summary>
public abstract record Decision
{
    /// <summary>Append these events (in order, in one transaction).</summary>
    public sealed record Accepted(IReadOnlyList<NewEvent> Events) : Decision;

    /// <summary>Nothing is appended; <paramref name="Reason"/> is safe to show to the user.</summary>
    public sealed record Refused(RefusalKind Kind, string Reason) : Decision;

    /// <summary>Shorthand for <see cref="Accepted"/>.</summary>
    public static Decision Accept(params NewEvent[] events) => new Accepted(events);

    /// <summary>Shorthand for <see cref="Refused"/>.</summary>
    public static Decision Refuse(RefusalKind kind, string reason) => new Refused(kind, reason);
}
