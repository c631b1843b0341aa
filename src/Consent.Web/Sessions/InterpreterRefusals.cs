using Consent.Web.UseCases;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>The interpreter's refusals in the use cases' words, with the titles clients have always seen.</summary>
public static class InterpreterRefusals
{
    public static Refusal From(RefusalKind kind, string reason) => kind switch
    {
        RefusalKind.NotFound => new(RefusedAs.NotFound, "Not found", reason),
        RefusalKind.Conflict => new(RefusedAs.Conflict, "Not possible now", reason),
        RefusalKind.Invalid => new(RefusedAs.Invalid, "Invalid submission", reason),
        RefusalKind.Gone => new(RefusedAs.Gone, "Link expired", reason),
        RefusalKind.Locked => new(RefusedAs.Locked, "Link locked", reason),
    };

    /// <summary>An Idempotency-Key sent again with a different request.</summary>
    public static readonly Refusal KeyReused = new(RefusedAs.KeyReused, "Idempotency-Key reused",
        "This Idempotency-Key was already used for a different request. Send a new key for a new submission.");
}
