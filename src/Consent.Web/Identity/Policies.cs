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
        string[] staffSchemes = [IdentityConstants.ApplicationScheme, IdentityConstants.BearerScheme];
        auth.AddPolicy(Staff, p => p.AddAuthenticationSchemes(staffSchemes).RequireRole(StaffRoles.All));
        auth.AddPolicy(Clinician, p => p.AddAuthenticationSchemes(staffSchemes).RequireRole(StaffRoles.Clinician));
        auth.AddPolicy(EthicsReviewer, p => p.AddAuthenticationSchemes(staffSchemes).RequireRole(StaffRoles.EthicsReviewer));
        auth.AddPolicy(Auditor, p => Privileged(p.AddAuthenticationSchemes(staffSchemes).RequireRole(StaffRoles.Auditor), requireTwoFactorForPrivileged));
        auth.AddPolicy(ClinicianOrAuditor, p => p.AddAuthenticationSchemes(staffSchemes)
            .RequireAssertion(c => c.User.IsInRole(StaffRoles.Clinician)
                || (c.User.IsInRole(StaffRoles.Auditor) && (!requireTwoFactorForPrivileged || c.User.HasClaim(TwoFactorClaim, "true")))));
        auth.AddPolicy(Admin, p => Privileged(p.AddAuthenticationSchemes(staffSchemes).RequireRole(StaffRoles.Admin), requireTwoFactorForPrivileged));
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
