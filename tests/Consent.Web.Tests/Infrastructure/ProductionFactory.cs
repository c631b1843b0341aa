using Consent.Web.Data.Entities;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// The service as deployed: not Development, so no demo accounts, two factors for privileged roles,
/// and a record-signing and a key-encryption certificate it must be given. Its clock is a fake
/// that starts at the real time and moves only when a test advances it.
/// </summary>
public class ProductionFactory : ConsentWebFactory
{
    public const string Password = "production password 1";

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override string EnvironmentName => "Production";

    /// <summary>Outside Development the service will not start without its certificates.</summary>
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Signing:CertificatePath"] = TestSigningCertificate.Path,
        ["DataProtection:CertificatePath"] = TestKeyEncryptionCertificate.Path,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Creates a staff account directly (outside Development there is no demo admin to ask).</summary>
    public async Task<Guid> CreateStaffAsync(string email, params string[] roles)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow };
        // Made directly, as the demo accounts are: with the training attestation already signed, so its roles work.
        scope.ServiceProvider.GetRequiredService<Consent.Web.Identity.TrainingAttestation>().Apply(user, "en", DateTimeOffset.UtcNow);
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
        return user.Id;
    }

    /// <summary>A two-factor enrolment code for the account, as an admin's reset (or the reset-two-factor command) issues it.</summary>
    public async Task<string> IssueEnrolmentCodeAsync(Guid id)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var enrolment = scope.ServiceProvider.GetRequiredService<Consent.Web.Identity.TwoFactorEnrolment>();
        return (await enrolment.IssueAsync((await users.FindByIdAsync(id.ToString()))!, issuedBy: null)).Code;
    }

    /// <summary>
    /// Creates a staff account whose second factor is already on, as if enrolled long ago, and
    /// returns the authenticator's shared key.
    /// </summary>
    public async Task<string> CreateStaffWithSecondFactorAsync(string email, params string[] roles)
    {
        var id = await CreateStaffAsync(email, roles);
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = await users.FindByIdAsync(id.ToString());
        Assert.True((await users.ResetAuthenticatorKeyAsync(user!)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(user!, true)).Succeeded);
        return (await users.GetAuthenticatorKeyAsync(user!))!;
    }
}

/// <summary>
/// Production with mail configured, so an admin can invite (invitations go by mail). The outbox worker is
/// off, so nothing is ever sent to this closed port: tests read the queued link (<see cref="StaffAccounts.LinkAsync"/>).
/// </summary>
public sealed class MailingProductionFactory : ProductionFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = "9",
        ["Smtp:From"] = "Consent <consent@example.org>",
    };
}
