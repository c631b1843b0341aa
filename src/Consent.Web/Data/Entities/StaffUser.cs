using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Data.Entities;

/// <summary>A clinic staff member who signs in: clinician, auditor, ethics reviewer or admin.</summary>
/// <remarks>
/// Accounts are never deleted, so the audit trail keeps every name and an email is never given to
/// someone else; an admin deactivates an account instead.
/// </remarks>
public sealed class StaffUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When an admin deactivated the account; null while it is active. A deactivated account cannot sign in.</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }

    /// <summary>The RFC 6238 time step of the last authenticator code accepted; that code and older ones are refused.</summary>
    public long? LastAuthenticatorStep { get; set; }

    /// <summary>SHA-256 (hex) of the one-time code an admin issued for setting up a second factor; null when none is outstanding.</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(64)]
    public string? TwoFactorEnrolmentCodeHash { get; set; }

    /// <summary>When that code stops working.</summary>
    public DateTimeOffset? TwoFactorEnrolmentCodeExpiresAt { get; set; }

    /// <summary>
    /// Set when an admin reset the password to a temporary one: the account must choose its own at
    /// its next sign-in (until then it reaches only its own account), and the temporary password no
    /// longer signs in after this time. Null for a password the staff member chose.
    /// </summary>
    public DateTimeOffset? TemporaryPasswordExpiresAt { get; set; }

    /// <summary>
    /// The HMAC seal over the account's security fields and role names (<c>keyId:hex</c>,
    /// Identity/StaffAccountSeals.cs): an account whose seal does not hold signs in as nobody.
    /// </summary>
    [System.ComponentModel.DataAnnotations.MaxLength(96)]
    public string? AccountSeal { get; set; }

    /// <summary>
    /// SHA-256 (hex) of the one outstanding emailed link's token: an invitation (the account sets its
    /// first password) or a password reset. A new link replaces the old one, which stops working. Null when none is outstanding.
    /// </summary>
    [System.ComponentModel.DataAnnotations.MaxLength(64)]
    public string? AccountLinkHash { get; set; }

    /// <summary>What the outstanding link is for: <see cref="Identity.AccountLinks.Invitation"/> or <see cref="Identity.AccountLinks.PasswordReset"/>.</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(20)]
    public string? AccountLinkPurpose { get; set; }

    /// <summary>When the outstanding link stops working.</summary>
    public DateTimeOffset? AccountLinkExpiresAt { get; set; }

    /// <summary>When the account's password was last set: chosen from an invitation, changed, or reset. Null for an invited account that has none yet.</summary>
    public DateTimeOffset? PasswordChangedAt { get; set; }

    /// <summary>When the staff member signed the training attestation (21 CFR 11.10(i), 11.100(c)); no role works before it.</summary>
    public DateTimeOffset? TrainingAttestedAt { get; set; }

    /// <summary>SHA-256 (hex) of the attestation's text as shown and signed, in <see cref="TrainingAttestationLanguage"/>.</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(64)]
    public string? TrainingAttestationHash { get; set; }

    /// <summary>The language the attestation was read and signed in (<c>en</c>, <c>es</c>).</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(8)]
    public string? TrainingAttestationLanguage { get; set; }
}
