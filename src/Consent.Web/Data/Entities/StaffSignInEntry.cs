namespace Consent.Web.Data.Entities;

/// <summary>
/// One staff sign-in (a page cookie or an API bearer token), named by the <c>consent:sid</c> claim it
/// carries: when it began, and when it first executed an electronic signature.
/// </summary>
/// <remarks>
/// 21 CFR 11.200(a)(1)(i): the first signing in a continuous period of controlled access uses every
/// signature component; later signings in that period may use one. <see cref="FirstSignatureAt"/>
/// says which applies (<see cref="Identity.StaffSignatures"/>). The row holds no secret: at worst a
/// database writer could make the next signing of a sign-in ask for the password alone, which still
/// needs the password.
/// </remarks>
public sealed class StaffSignInEntry
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Whether the sign-in passed a second factor.</summary>
    public bool SecondFactor { get; set; }

    /// <summary>When the sign-in first executed a signature with every component; null until then.</summary>
    public DateTimeOffset? FirstSignatureAt { get; set; }
}
