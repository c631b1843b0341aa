using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.UseCases.Staff;

/// <summary>
/// A staff account as an admin sees it; a deactivated account has <c>active</c> false and when it
/// was deactivated; <c>passwordChangeRequired</c> while it holds a temporary password from a reset;
/// <c>changedOutsideService</c> when its seal does not hold (it signs in as nobody until an operator
/// repairs it with <c>repair-staff-account</c>).
/// </summary>
/// <remarks>
/// <c>invited</c> is true until the staff member accepts the invitation and sets a password
/// (<c>invitationExpiresAt</c>: when the link in their mail stops working); <c>passwordChangedAt</c>
/// is when the password was last set (21 CFR 11.300(b): credentials are checked and revised);
/// <c>trainingAttestedAt</c> when they signed the training attestation (null: no role works yet);
/// <c>lockedOutUntil</c>, while wrong passwords or codes keep the account locked, until when (21 CFR 11.300(d)).
/// </remarks>
public record StaffView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool LockedOut,
    bool Active, DateTimeOffset? DeactivatedAt, bool PasswordChangeRequired, bool ChangedOutsideService = false,
    bool Invited = false, DateTimeOffset? InvitationExpiresAt = null, DateTimeOffset? PasswordChangedAt = null, DateTimeOffset? TrainingAttestedAt = null,
    DateTimeOffset? LockedOutUntil = null)
{
    /// <summary>The admin's answer to a change asked of an account changed outside the service.</summary>
    public static Refusal ChangedOutside => new(RefusedAs.Conflict, "Account changed outside the service",
        "This account's password, second factor or roles were changed in the database, not through the service, so it signs in as nobody "
        + "and cannot be changed here. An operator must repair it with the command 'repair-staff-account EMAIL --roles ...', which sets its roles, "
        + "a temporary password and a new two-factor enrolment.");

    /// <summary>The account as it is now (roles read from the database).</summary>
    public static async Task<StaffView> OfAsync(UserManager<StaffUser> users, StaffUser user, TimeProvider clock)
    {
        var roles = await users.GetRolesAsync(user);
        var locked = user.LockoutEnd is { } end && end > clock.GetUtcNow();
        return new StaffView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled, locked,
            user.DeactivatedAt is null, user.DeactivatedAt, user.TemporaryPasswordExpiresAt is not null,
            users is StaffUserManager staff && await staff.IsChangedOutsideAsync(user),
            Invited: user.PasswordHash is null,
            InvitationExpiresAt: user.AccountLinkPurpose == AccountLinks.Invitation ? user.AccountLinkExpiresAt : null,
            PasswordChangedAt: user.PasswordChangedAt, TrainingAttestedAt: user.TrainingAttestedAt,
            LockedOutUntil: locked ? user.LockoutEnd : null);
    }
}

/// <summary>A staff account with the two-factor enrolment code just issued for it, shown this once.</summary>
public sealed record EnrolmentCodeIssued : StaffView
{
    public EnrolmentCodeIssued(StaffView account, TwoFactorEnrolment.IssuedCode code)
        : base(account)
    {
        TwoFactorEnrolmentCode = code.Code;
        TwoFactorEnrolmentCodeExpiresAt = code.ExpiresAt;
    }

    public string TwoFactorEnrolmentCode { get; }

    public DateTimeOffset TwoFactorEnrolmentCodeExpiresAt { get; }
}

/// <summary>A staff account with the temporary password just set for it, shown this once.</summary>
public sealed record TemporaryPasswordSet : StaffView
{
    public TemporaryPasswordSet(StaffView account, StaffPasswords.Temporary temporary)
        : base(account)
    {
        TemporaryPassword = temporary.Password;
        TemporaryPasswordExpiresAt = temporary.ExpiresAt;
    }

    public string TemporaryPassword { get; }

    public DateTimeOffset TemporaryPasswordExpiresAt { get; }
}

/// <summary>
/// A new staff account with its initial password and roles. With <c>passwordIsTemporary</c> (what
/// <c>/admin/users</c> sends) the staff member must replace the password at the first sign-in.
/// </summary>
public sealed record CreateStaff(string? Email, string? DisplayName, string? Password, IReadOnlyList<string>? Roles, bool? PasswordIsTemporary = null);

/// <summary>An invitation: the new staff member's email, display name and roles. There is no password: they choose their own.</summary>
/// <param name="Password">Refused when sent: an admin no longer sets anyone's password.</param>
public sealed record InviteStaff(string? Email, string? DisplayName, IReadOnlyList<string>? Roles, string? Password = null);

/// <summary>The complete set of roles a staff account should hold; empty takes every role away.</summary>
public sealed record SetRoles(IReadOnlyList<string>? Roles);
