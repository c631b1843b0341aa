using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Data.Entities;

/// <summary>A clinic staff member who signs in: clinician, auditor, ethics reviewer or admin.</summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
