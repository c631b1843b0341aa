using System.Security.Claims;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Consent.Web.Api;

/// <summary>
/// Staff accounts and roles, for admins: invite, change roles, deactivate and reactivate (never
/// delete); resetting a password or a second factor is in <see cref="StaffResetsApi"/>. Use cases in UseCases/Staff.
/// </summary>
/// <remarks>The handlers keep typed results so the OpenAPI document lists each answer.</remarks>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/users").WithTags("Admin").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:guid}/roles", SetRolesAsync);
        group.MapPost("/{id:guid}/deactivate", DeactivateAsync);
        group.MapPost("/{id:guid}/reactivate", ReactivateAsync);
        group.MapPost("/{id:guid}/invitation", ResendInvitationAsync);
        group.MapPost("/{id:guid}/password/reset", StaffResetsApi.ResetPasswordAsync);
        group.MapPost("/{id:guid}/two-factor/reset", StaffResetsApi.ResetTwoFactorAsync);
    }

    internal static async Task<Ok<List<StaffView>>> ListAsync(StaffAdministration admin) => TypedResults.Ok(await admin.ListAsync());

    /// <summary>
    /// Invites a staff member: email, display name, roles. They are mailed a one-time link, valid 72
    /// hours, to choose their own password; the body takes no password (one sent is a 400).
    /// </summary>
    /// <remarks>
    /// An email that any account ever had, deactivated ones included, is refused (409): accounts are
    /// never deleted, so an email is never reused. Without mail configured the answer is a 409.
    /// </remarks>
    internal static async Task<Results<Created<StaffView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        InviteStaff body, ClaimsPrincipal caller, StaffAdministration admin) =>
        await admin.InviteAsync(body, StaffAccess.UserId(caller)) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Created($"/api/v1/admin/users/{done.Value.Id}", done.Value),
            Outcome<StaffView>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var other => OutcomeResults.Problem(other),
        };

    /// <summary>Mails a new invitation link to an account that has not accepted its invitation; the earlier link stops working.</summary>
    internal static async Task<Results<Ok<StaffView>, NotFound, ProblemHttpResult>> ResendInvitationAsync(Guid id, StaffAdministration admin) =>
        await admin.ResendInvitationAsync(id) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Ok(done.Value),
            Outcome<StaffView>.NotFound => TypedResults.NotFound(),
            var other => OutcomeResults.Problem(other),
        };

    /// <remarks>
    /// The account's existing sign-ins end (its security stamp is rotated); it signs in again to use
    /// its new roles. An empty set parks an account that can still sign in and reach only itself.
    /// </remarks>
    internal static async Task<Results<Ok<StaffView>, NotFound, ValidationProblem, ProblemHttpResult>> SetRolesAsync(
        Guid id, SetRoles body, StaffAdministration admin) =>
        await admin.SetRolesAsync(id, body) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Ok(done.Value),
            Outcome<StaffView>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            Outcome<StaffView>.NotFound => TypedResults.NotFound(),
            var other => OutcomeResults.Problem(other),
        };

    /// <summary>Ends every sign-in of the account and refuses new ones; idempotent.</summary>
    internal static async Task<Results<Ok<StaffView>, NotFound, ProblemHttpResult>> DeactivateAsync(Guid id, ClaimsPrincipal caller, StaffAdministration admin) =>
        await admin.DeactivateAsync(id, caller) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Ok(done.Value),
            Outcome<StaffView>.NotFound => TypedResults.NotFound(),
            var other => OutcomeResults.Problem(other),
        };

    /// <summary>Lets the account sign in again, with the roles it held; idempotent.</summary>
    internal static async Task<Results<Ok<StaffView>, NotFound, ProblemHttpResult>> ReactivateAsync(Guid id, StaffAdministration admin) =>
        await admin.ReactivateAsync(id) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Ok(done.Value),
            Outcome<StaffView>.NotFound => TypedResults.NotFound(),
            var other => OutcomeResults.Problem(other),
        };
}
