using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Consent.Web.Identity;

/// <summary>Named authorization policies; every endpoint and page names one or is explicitly anonymous.</summary>
public static class Policies
{
    public const string Staff = "Staff";
    public const string Clinician = "Clinician";
    public const string Auditor = "Auditor";
    public const string ClinicianOrAuditor = "ClinicianOrAuditor";
    public const string EthicsReviewer = "EthicsReviewer";
    public const string Admin = "Admin";
    public const string Patient = "Patient";

    /// <summary>Claim set on a staff sign-in that passed a second factor.</summary>
    public const string TwoFactorClaim = "consent:2fa";

    /// <remarks>
    /// The roles policies see have already been checked against the database by
    /// <see cref="StaffSignInCheck"/>, which also withholds Auditor and Admin outside Development
    /// from a sign-in without a second factor. So a policy names roles only; the two-factor rule
    /// lives in one place. Such a sign-in still passes <see cref="Staff"/>, to set a second factor up.
    /// </remarks>
    public static void AddConsentPolicies(this AuthorizationBuilder auth)
    {
        // Staff policies use the default scheme, which picks ONE scheme per request (bearer token when
        // the request carries one, else the cookie), so a page challenge is a redirect to sign-in and
        // an API challenge a 401 — never both at once.
        auth.AddPolicy(Staff, p => p.RequireAuthenticatedUser().RequireClaim(ClaimTypes.NameIdentifier));
        auth.AddPolicy(Clinician, p => p.RequireRole(StaffRoles.Clinician));
        auth.AddPolicy(EthicsReviewer, p => p.RequireRole(StaffRoles.EthicsReviewer));
        auth.AddPolicy(Auditor, p => p.RequireRole(StaffRoles.Auditor));
        auth.AddPolicy(ClinicianOrAuditor, p => p.RequireRole(StaffRoles.Clinician, StaffRoles.Auditor));
        auth.AddPolicy(Admin, p => p.RequireRole(StaffRoles.Admin));
        auth.AddPolicy(Patient, p => p.AddAuthenticationSchemes(PatientAccess.Scheme).RequireClaim(PatientAccess.SessionClaim));
    }
}
