using System.Security.Claims;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Consent.Web.Api;

/// <summary>
/// An admin's resets of a staff account that lost its way in: a temporary password
/// (<c>POST /api/v1/admin/users/{id}/password/reset</c>) and a new second-factor enrolment
/// (<c>…/two-factor/reset</c>). Use cases in UseCases/Staff/StaffResets.cs.
/// </summary>
/// <remarks>
/// Neither can be used on the admin's own account (409): an admin changes their own password and
/// authenticator on their account page, which asks for the current ones.
/// </remarks>
public static class StaffResetsApi
{
    /// <summary>
    /// Sets a random temporary password, lifts a lockout and ends the account's sign-ins. The staff
    /// member must choose their own at the next sign-in; until then the account reaches only itself.
    /// </summary>
    internal static async Task<Results<Ok<TemporaryPasswordSet>, NotFound, ProblemHttpResult>> ResetPasswordAsync(
        Guid id, ClaimsPrincipal caller, StaffResets resets) => Answer(await resets.ResetPasswordAsync(id, caller));

    /// <summary>Turns the account's second factor off, ends its sign-ins and issues a new enrolment code.</summary>
    internal static async Task<Results<Ok<EnrolmentCodeIssued>, NotFound, ProblemHttpResult>> ResetTwoFactorAsync(
        Guid id, ClaimsPrincipal caller, StaffResets resets) => Answer(await resets.ResetTwoFactorAsync(id, caller));

    private static Results<Ok<T>, NotFound, ProblemHttpResult> Answer<T>(Outcome<T> outcome) => outcome switch
    {
        Outcome<T>.Ok done => TypedResults.Ok(done.Value),
        Outcome<T>.NotFound => TypedResults.NotFound(),
        var other => OutcomeResults.Problem(other),
    };
}
