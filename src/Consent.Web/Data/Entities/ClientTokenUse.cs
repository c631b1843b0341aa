namespace Consent.Web.Data.Entities;

/// <summary>
/// One signed client token (a CDS Hooks or FHIR search call) that was accepted, kept until the token's own
/// <c>exp</c> so that the same <c>jti</c> from the same issuer is refused as a replay on every node.
/// </summary>
public sealed class ClientTokenUse
{
    /// <summary>The longest <c>iss</c> or <c>jti</c> kept; a longer one is refused as malformed.</summary>
    public const int MaxLength = 256;

    /// <summary>The token's <c>iss</c>: the trusted client.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The token's <c>jti</c>, unique per issuer (the primary key is both).</summary>
    public string TokenId { get; set; } = "";

    /// <summary>The token's <c>exp</c>; the row may be removed after it (plus the allowed clock skew).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset UsedAt { get; set; }
}
