using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Web.Ui;
using Consent.Workflows;

namespace Consent.Web.Api;

/// <summary>The patient's side of a session, reached with the link token plus the date-of-birth check (use cases in UseCases/Patients).</summary>
public static class PatientApi
{
    public static void MapPatientApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/patient/{token}").WithTags("Patient").RequireRateLimiting(Hosting.RateLimits.Patient);
        group.MapPost("/verify", VerifyAsync).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.PatientVerify);
        group.MapGet("/current", CurrentAsync).RequireAuthorization(Policies.Patient);
        group.MapPost("/steps/{stepId}", SubmitStepAsync).RequireAuthorization(Policies.Patient);
        group.MapPost("/decline", DeclineAsync).RequireAuthorization(Policies.Patient);
        group.MapPost("/questions", AskAsync).RequireAuthorization(Policies.Patient);
    }

    /// <summary>The date of birth the patient types, as YYYY-MM-DD.</summary>
    public sealed record VerifyInput(string? DateOfBirth);

    /// <summary>Patient access for this session (also set as an HttpOnly cookie).</summary>
    public sealed record PatientAccessGranted(string AccessToken, int ExpiresIn, string SessionStatus);

    /// <summary>Why the patient declines (optional).</summary>
    public sealed record DeclineInput(string? Reason);

    /// <summary>A question for the clinician, from any step.</summary>
    public sealed record QuestionInput(string? Question);

    internal static async Task<IResult> VerifyAsync(
        string token, VerifyInput body, HttpContext http, PatientAccessService access, IHostEnvironment environment, CancellationToken ct)
    {
        if (await access.FindAsync(token, ct) is not { } found)
        {
            return OutcomeResults.Problem(LinkNotValid);
        }

        if (!DateOnly.TryParseExact(body.DateOfBirth ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob))
        {
            return OutcomeResults.Invalid("dateOfBirth", "Enter the date of birth as YYYY-MM-DD.");
        }

        return (await access.VerifyAsync(found.Id, dob, Caller.From(http).As(Actor.Patient), ct)).ToHttp(check =>
        {
            if (check.Ticket is not { } ticket)
            {
                return OutcomeResults.Problem(check.Locked
                    ? new Refusal(RefusedAs.Locked, "Link locked", "The date of birth did not match too many times. Please contact your clinic for a new link.")
                    : new Refusal(RefusedAs.Invalid, "Date of birth does not match",
                        $"That date of birth does not match our records. Attempts left: {check.AttemptsLeft}.",
                        new Dictionary<string, object?> { ["attemptsLeft"] = check.AttemptsLeft }));
            }

            PatientTicketCookie.Append(http, ticket, environment, SameSiteMode.Strict);
            return TypedResults.Ok(new PatientAccessGranted(ticket, (int)PatientAccess.Lifetime.TotalSeconds, check.State.Status.ToString()));
        });
    }

    internal static async Task<IResult> CurrentAsync(string token, ClaimsPrincipal user, PatientAccessService access, CancellationToken ct)
    {
        if (await access.AuthorizedAsync(token, user, ct) is not { } session || await access.ReadAsync(session, ct) is not { } open)
        {
            return OutcomeResults.Problem(VerifyAgain);
        }

        return TypedResults.Ok(PatientView.Render(open.Workflow, open.State, session.Language, access.SignedBefore(open.State)));
    }

    /// <remarks>
    /// The ticket is checked against the link in memory, and against the session's current link
    /// in the same statement that locks the session: one round trip for both (docs/PERFORMANCE.md, P3).
    /// </remarks>
    internal static async Task<IResult> SubmitStepAsync(
        string token, string stepId, HttpContext http, ClaimsPrincipal user, PatientActions actions, CancellationToken ct)
    {
        if (Request(token, user, http) is not { } request)
        {
            return OutcomeResults.Problem(VerifyAgain);
        }

        var (body, bodyError) = await JsonBody.ReadObjectAsync(http.Request, ct);
        return Answer(await actions.SubmitStepAsync(request, stepId, body, bodyError, ct));
    }

    internal static async Task<IResult> DeclineAsync(
        string token, DeclineInput body, HttpContext http, ClaimsPrincipal user, PatientActions actions, CancellationToken ct) =>
        Request(token, user, http) is { } request ? Answer(await actions.DeclineAsync(request, body.Reason, ct)) : OutcomeResults.Problem(VerifyAgain);

    internal static async Task<IResult> AskAsync(
        string token, QuestionInput body, HttpContext http, ClaimsPrincipal user, PatientActions actions, CancellationToken ct) =>
        Request(token, user, http) is { } request ? Answer(await actions.AskAsync(request, body.Question, ct)) : OutcomeResults.Problem(VerifyAgain);

    /// <summary>The patient's request when the ticket names the link in the address.</summary>
    /// <remarks>Whether the link is still the session's current one is checked by the database, when the session is locked.</remarks>
    private static PatientRequest? Request(string token, ClaimsPrincipal user, HttpContext http) =>
        LinkTokens.LooksValid(token)
        && Guid.TryParse(user.FindFirstValue(PatientAccess.SessionClaim), out var sessionId)
        && user.FindFirstValue(PatientAccess.LinkClaim) is { } link
        && string.Equals(link, LinkTokens.Hash(token), StringComparison.Ordinal)
            ? new PatientRequest(sessionId, link, Caller.From(http).As(Actor.Patient), body => IdempotencyFor(http, body))
            : null;

    /// <summary>A patient write's answer; a session the ticket no longer opens (link reissued) asks the patient to verify again.</summary>
    private static IResult Answer(Outcome<SessionWrite> write) =>
        write is Outcome<SessionWrite>.NotFound ? OutcomeResults.Problem(VerifyAgain) : write.ToHttp();

    private static Idempotency? IdempotencyFor(HttpContext http, JsonObject body)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var request = http.Request.Method + " " + http.Request.Path + "\n" + ChainJson.Serialize(body);
        return new Idempotency(key, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request))));
    }

    private static readonly Refusal LinkNotValid =
        new(RefusedAs.NotFound, "Link not valid", "This link is not valid. Please use the latest link from your clinic.");

    /// <summary>The answer whenever a patient's ticket does not open the session in the address.</summary>
    internal static readonly Refusal VerifyAgain =
        new(RefusedAs.Forbidden, "Verify again", "Please open your link and confirm your date of birth again.");
}
