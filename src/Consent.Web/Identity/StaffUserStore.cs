using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>Identity's store for staff accounts, keeping the tokens of <c>AspNetUserTokens</c> encrypted (<see cref="AuthenticatorSecrets"/>).</summary>
/// <remarks>The authenticator key and the key waiting for confirmation both pass through these two methods.</remarks>
public sealed class StaffUserStore(ConsentDbContext context, AuthenticatorSecrets secrets, IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole<Guid>, ConsentDbContext, Guid>(context, describer)
{
    public override Task SetTokenAsync(StaffUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : secrets.Protect(user.Id, loginProvider, name, value), cancellationToken);

    public override async Task<string?> GetTokenAsync(StaffUser user, string loginProvider, string name, CancellationToken cancellationToken) =>
        await base.GetTokenAsync(user, loginProvider, name, cancellationToken) is { } stored ? secrets.Unprotect(user.Id, loginProvider, name, stored) : null;
}
