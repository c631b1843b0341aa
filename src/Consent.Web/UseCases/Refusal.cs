namespace Consent.Web.UseCases;

/// <summary>Why a use case turned a request away: its kind, a short title and the reason a person can act on.</summary>
/// <param name="Extensions">Extra facts a client may use (for example <c>attemptsLeft</c>), carried into the problem document.</param>
public sealed record Refusal(RefusedAs Kind, string Title, string Reason, IReadOnlyDictionary<string, object?>? Extensions = null);

/// <summary>The kinds of refusal; each maps to one HTTP status (Api/OutcomeResults.cs).</summary>
public enum RefusedAs
{
    /// <summary>The request as a whole is not acceptable (400).</summary>
    Invalid,

    /// <summary>The caller's sign-in names no account any more (401).</summary>
    SignedOut,

    /// <summary>The caller must prove who they are again (403).</summary>
    Forbidden,

    /// <summary>The thing asked for does not exist (404), with a title of its own.</summary>
    NotFound,

    /// <summary>Not possible in the present state (409).</summary>
    Conflict,

    /// <summary>The link has run out (410).</summary>
    Gone,

    /// <summary>An Idempotency-Key came back with a different request (422).</summary>
    KeyReused,

    /// <summary>The link is locked (423).</summary>
    Locked,

    /// <summary>The body is not in a type the service reads (415).</summary>
    UnsupportedMediaType,

    /// <summary>The call lacks data the service needs and does not fetch itself, such as a CDS Hooks prefetch (412).</summary>
    PreconditionFailed,
}
