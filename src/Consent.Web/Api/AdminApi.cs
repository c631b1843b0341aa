using System.Security.Claims;
using Consent.Web.Identity;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Consent.Web.Api;

/// <summary>Staff accounts and roles, for admins (use cases in UseCases/Staff).</summary>
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
    }

    internal static async Task<Ok<List<StaffView>>> ListAsync(StaffAdministration admin) => TypedResults.Ok(await admin.ListAsync());

    internal static async Task<Results<Created<StaffView>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateStaff body, StaffAdministration admin) =>
        await admin.CreateAsync(body) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Created($"/api/v1/admin/users/{done.Value.Id}", done.Value),
            Outcome<StaffView>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var other => OutcomeResults.Problem(other),
        };

    internal static async Task<Results<Ok<StaffView>, NotFound, ValidationProblem, ProblemHttpResult>> SetRolesAsync(
        Guid id, SetRoles body, StaffAdministration admin) =>
        await admin.SetRolesAsync(id, body) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Ok(done.Value),
            Outcome<StaffView>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            Outcome<StaffView>.NotFound => TypedResults.NotFound(),
            var other => OutcomeResults.Problem(other),
        };

    internal static async Task<Results<Ok<StaffView>, NotFound, ProblemHttpResult>> DeactivateAsync(Guid id, ClaimsPrincipal caller, StaffAdministration admin) =>
        await admin.DeactivateAsync(id, caller) switch
        {
            Outcome<StaffView>.Ok done => TypedResults.Ok(done.Value),
            Outcome<StaffView>.NotFound => TypedResults.NotFound(),
            var other => OutcomeResults.Problem(other),
        };

    internal static async Task<Results<Ok<StaffView>, NotFound>> ReactivateAsync(Guid id, StaffAdministration admin) =>
        await admin.ReactivateAsync(id) is Outcome<StaffView>.Ok done ? TypedResults.Ok(done.Value) : TypedResults.NotFound();
}
