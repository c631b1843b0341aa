namespace Consent.Web.Identity;

/// <summary>The staff roles of the service (the table at the top of README); a user may hold several.</summary>
public static class StaffRoles
{
    public const string Clinician = "Clinician";
    public const string Auditor = "Auditor";
    public const string EthicsReviewer = "EthicsReviewer";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Clinician, Auditor, EthicsReviewer, Admin];

    /// <summary>
    /// Roles that widen access beyond one's own work (an auditor reads every session, an admin
    /// changes accounts): outside Development they count only for a sign-in that passed a second factor.
    /// </summary>
    public static readonly IReadOnlySet<string> NeedingSecondFactor = new HashSet<string>([Auditor, Admin]);
}
