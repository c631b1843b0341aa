using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Identity;

/// <summary>
/// What a staff sign-in carries: the account's id, name, email and security stamp, and nothing read
/// from the claims tables.
/// </summary>
/// <remarks>
/// Identity's default factory (with roles) also copies every row of <c>AspNetUserClaims</c> and of
/// the account's roles' <c>AspNetRoleClaims</c> into the sign-in. The service writes neither table,
/// but the runtime database role can: an outside attack planted <c>consent:2fa=true</c> there and an
/// auditor without a second factor, signed in with the password alone, read every record. Roles
/// are added on each request from the database by <see cref="StaffSignInCheck"/>, and the
/// second-factor claim only by <see cref="StaffSignIn"/> when a code was checked.
/// </remarks>
public sealed class StaffClaimsFactory(UserManager<StaffUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser>(users, options);
