using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Identity;

/// <summary>Creates the roles and, in Development, the four demo staff accounts listed in README.</summary>
public static class DemoAccounts
{
    public static readonly IReadOnlyList<(string Email, string Name, string Role)> Accounts =
    [
        ("clinician@example.org", "Dr. Demo Clinician", StaffRoles.Clinician),
        ("auditor@example.org", "Demo Auditor", StaffRoles.Auditor),
        ("reviewer@example.org", "Demo Ethics Reviewer", StaffRoles.EthicsReviewer),
        ("admin@example.org", "Demo Admin", StaffRoles.Admin),
    ];

    public static async Task EnsureRolesAsync(RoleManager<IdentityRole<Guid>> roles)
    {
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role)), role);
            }
        }
    }

    /// <remarks>
    /// Development only. The password is reset to the configured one whenever it differs, so that
    /// the value scripts/run.sh prints always works. A demo account whose seal does not hold (made
    /// before account seals, or changed in the database) is put back as it should be, with its one
    /// role, the demo password and no second factor, and the log says so. A demo account is made with
    /// the training attestation already signed (in English), so the demo works at once; the system
    /// audit trail has no <c>staff.training.attested</c> event for it, and a real account always signs it itself.
    /// </remarks>
    public static async Task EnsureDemoAccountsAsync(StaffUserManager users, string password, TimeProvider clock, ILogger logger, TrainingAttestation training)
    {
        foreach (var (email, name, role) in Accounts)
        {
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = clock.GetUtcNow() };
                Check(await users.CreateAsync(user, password), email);
            }
            else if (await users.IsChangedOutsideAsync(user))
            {
                logger.LogWarning("Demo account {Email} had no seal that holds; it is reset to its one role ({Role}), the demo password and no second factor.", email, role);
                using (users.AllowResealing())
                {
                    Check(await users.RemoveFromRolesAsync(user, (await users.GetRolesAsync(user)).Where(r => r != role)), email);
                    Check(await users.RemoveSecondFactorAsync(user), email);
                    Check(await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password), email);
                }
            }
            else if (!await users.CheckPasswordAsync(user, password))
            {
                var token = await users.GeneratePasswordResetTokenAsync(user);
                Check(await users.ResetPasswordAsync(user, token, password), email);
                await users.SetLockoutEndDateAsync(user, null);
                await users.ResetAccessFailedCountAsync(user);
            }

            if (await users.IsLockedOutAsync(user))
            {
                await users.SetLockoutEndDateAsync(user, null);
                await users.ResetAccessFailedCountAsync(user);
            }

            if (!await users.IsInRoleAsync(user, role))
            {
                Check(await users.AddToRoleAsync(user, role), email);
            }

            if (user.TrainingAttestedAt is null)
            {
                training.Apply(user, "en", clock.GetUtcNow());
                user.PasswordChangedAt ??= clock.GetUtcNow();
                Check(await users.UpdateAsync(user), email);
            }
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not set up demo account or role '{what}': {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
