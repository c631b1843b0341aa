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
}
