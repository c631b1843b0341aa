namespace Consent.Web.UseCases.Staff;

/// <summary>A staff account as an admin sees it; a deactivated account has <c>active</c> false and when it was deactivated.</summary>
public sealed record StaffView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool LockedOut,
    bool Active, DateTimeOffset? DeactivatedAt);

/// <summary>A new staff account with its initial password and roles.</summary>
public sealed record CreateStaff(string? Email, string? DisplayName, string? Password, IReadOnlyList<string>? Roles);

/// <summary>The complete set of roles a staff account should hold; empty takes every role away.</summary>
public sealed record SetRoles(IReadOnlyList<string>? Roles);
