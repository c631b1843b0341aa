using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

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

    public static void AddConsentPolicies(this AuthorizationBuilder auth, bool requireTwoFactorForPrivileged)
    {
        // Staff policies use the default scheme, which picks ONE scheme per request (bearer token when
        // the request carries one, else the cookie), so a page challenge is a redirect to sign-in and
        // an API challenge a 401 — never both at once.
        auth.AddPolicy(Staff, p => p.RequireRole(StaffRoles.All));
        auth.AddPolicy(Clinician, p => p.RequireRole(StaffRoles.Clinician));
        auth.AddPolicy(EthicsReviewer, p => p.RequireRole(StaffRoles.EthicsReviewer));
        auth.AddPolicy(Auditor, p => Privileged(p.RequireRole(StaffRoles.Auditor), requireTwoFactorForPrivileged));
        auth.AddPolicy(ClinicianOrAuditor, p => p
            .RequireAssertion(c => c.User.IsInRole(StaffRoles.Clinician)
                || (c.User.IsInRole(StaffRoles.Auditor) && (!requireTwoFactorForPrivileged || c.User.HasClaim(TwoFactorClaim, "true")))));
        auth.AddPolicy(Admin, p => Privileged(p.RequireRole(StaffRoles.Admin), requireTwoFactorForPrivileged));
        auth.AddPolicy(Patient, p => p.AddAuthenticationSchemes(PatientAccess.Scheme).RequireClaim(PatientAccess.SessionClaim));
    }

    /// <remarks>
    /// Admins and auditors can read or change everything, so outside Development their sign-in must
    /// have passed a second factor; without it they can still sign in to set one up.
    /// </remarks>
    private static void Privileged(AuthorizationPolicyBuilder policy, bool requireTwoFactor)
    {
        if (requireTwoFactor)
        {
            policy.RequireClaim(TwoFactorClaim, "true");
        }
    }
}
