using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Api;

/// <summary>The patient's side of a session, reached with the link token plus the date-of-birth check.</summary>
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
        string token, VerifyInput body, HttpContext http, ConsentDbContext db, SessionWriter writer,
        IDataProtectionProvider protection, TimeProvider clock, IHostEnvironment environment, CancellationToken ct)
    {
        if (await FindAsync(db, token, ct) is not { } found)
        {
            return LinkNotValid();
        }

        if (!DateOnly.TryParseExact(body.DateOfBirth ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob))
        {
            return SessionResults.Invalid("dateOfBirth", "Enter the date of birth as YYYY-MM-DD.");
        }

        var write = await writer.ApplyAsync(found.Id, (session, _) => new VerifyIdentity(session.PatientDateOfBirth == dob),
            Actor.From(http, Actor.Patient), null, (_, state, events) => SessionResults.StepAnswer(state, events), ct);
        if (write is not SessionWrite.Applied applied)
        {
            return SessionResults.ToHttp(write);
        }

        if (!applied.Events.Any(e => e.Type == EventTypes.IdentityVerified))
        {
            var left = Math.Max(0, MaxAttempts(writer.Workflow(applied.Session)) - applied.State.Identity.Failures);
            return applied.State.Identity.Locked
                ? TypedResults.Problem(title: "Link locked",
                    detail: "The date of birth did not match too many times. Please contact your clinic for a new link.",
                    statusCode: StatusCodes.Status423Locked)
                : TypedResults.Problem(title: "Date of birth does not match",
                    detail: $"That date of birth does not match our records. Attempts left: {left}.",
                    statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["attemptsLeft"] = left });
        }

        var ticket = PatientAccess.Issue(protection, applied.Session.Id, applied.Session.LinkTokenHash, clock.GetUtcNow());
        http.Response.Cookies.Append(PatientAccess.CookieName, ticket, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = !environment.IsDevelopment() || http.Request.IsHttps,
            Path = "/",
            MaxAge = PatientAccess.Lifetime,
        });
        return TypedResults.Ok(new PatientAccessGranted(ticket, (int)PatientAccess.Lifetime.TotalSeconds, applied.State.Status.ToString()));
    }

    internal static async Task<IResult> CurrentAsync(string token, ClaimsPrincipal user, ConsentDbContext db, SessionWriter writer, CancellationToken ct)
    {
        if (await AuthorizedAsync(db, token, user, ct) is not { } session)
        {
            return AccessDenied();
        }

        var workflow = writer.Workflow(session);
        var state = await writer.StateAsync(workflow, session, ct);
        return TypedResults.Ok(PatientView.Render(workflow, state, session.Language));
    }

    /// <remarks>
    /// The ticket is checked against the link in memory, and against the session's current link
    /// in the same statement that locks the session: one round trip for both (docs/PERFORMANCE.md, P3).
    /// What the patient sent is checked after that, so a stranger learns nothing from a 400.
    /// </remarks>
    internal static async Task<IResult> SubmitStepAsync(
        string token, string stepId, HttpContext http, ClaimsPrincipal user, SessionWriter writer, CancellationToken ct)
    {
        if (Ticket(token, user) is not { } ticket)
        {
            return AccessDenied();
        }

        var (body, bodyError) = await JsonBody.ReadObjectAsync(http.Request, ct);
        var key = body is null ? null : IdempotencyFor(http, body);
        SessionCommand? command = null;
        IResult? Check(ConsentSession session)
        {
            if (body is null)
            {
                return bodyError!.StartsWith("Send the body", StringComparison.Ordinal)
                    ? TypedResults.Problem(title: "Unsupported media type", detail: bodyError, statusCode: StatusCodes.Status415UnsupportedMediaType)
                    : SessionResults.Invalid(bodyError);
            }

            if (writer.Workflow(session).Definition.FindStep(stepId) is not { } step)
            {
                return TypedResults.Problem(title: "Not found", detail: $"This workflow has no step '{Shorten(stepId)}'.", statusCode: StatusCodes.Status404NotFound);
            }

            (command, var error) = StepSubmissions.Read(step, body, session.PatientName);
            return command is null ? SessionResults.Invalid(error!)
                : key is { Key.Length: > MaxKeyLength } ? SessionResults.Invalid($"The Idempotency-Key header is longer than {MaxKeyLength} characters.")
                : null;
        }

        return PatientAnswer(await writer.ApplyAsync(ticket.SessionId, ticket.LinkHash, Check, (_, _) => command!, Actor.From(http, Actor.Patient),
            key is { Key.Length: > MaxKeyLength } ? null : key, (_, state, events) => SessionResults.StepAnswer(state, events), ct));
    }

    internal static async Task<IResult> DeclineAsync(
        string token, DeclineInput body, HttpContext http, ClaimsPrincipal user, SessionWriter writer, CancellationToken ct)
    {
        if (Ticket(token, user) is not { } ticket)
        {
            return AccessDenied();
        }

        var (reason, error) = TextInput.Clean(body.Reason, "reason", 2000, required: false, multiline: true);
        return PatientAnswer(await writer.ApplyAsync(ticket.SessionId, ticket.LinkHash, _ => error is null ? null : SessionResults.Invalid("reason", error),
            (_, _) => new Decline(reason), Actor.From(http, Actor.Patient),
            IdempotencyFor(http, new JsonObject { ["decline"] = reason }), (_, state, events) => SessionResults.StepAnswer(state, events), ct));
    }

    internal static async Task<IResult> AskAsync(
        string token, QuestionInput body, HttpContext http, ClaimsPrincipal user, SessionWriter writer, CancellationToken ct)
    {
        if (Ticket(token, user) is not { } ticket)
        {
            return AccessDenied();
        }

        var (question, error) = TextInput.Clean(body.Question, "question", 2000, multiline: true);
        return PatientAnswer(await writer.ApplyAsync(ticket.SessionId, ticket.LinkHash, _ => error is null ? null : SessionResults.Invalid("question", error),
            (_, state) => new AskQuestion(state.CurrentStep?.Id, question!), Actor.From(http, Actor.Patient),
            IdempotencyFor(http, new JsonObject { ["question"] = question }), (_, state, events) => SessionResults.StepAnswer(state, events), ct));
    }

    /// <summary>The session and link a patient's ticket names, when that link is the one in the address.</summary>
    /// <remarks>Whether the link is still the session's current one is checked by the database, when the session is read or locked.</remarks>
    internal static (Guid SessionId, string LinkHash)? Ticket(string token, ClaimsPrincipal user) =>
        LinkTokens.LooksValid(token)
        && Guid.TryParse(user.FindFirstValue(PatientAccess.SessionClaim), out var sessionId)
        && user.FindFirstValue(PatientAccess.LinkClaim) is { } link
        && string.Equals(link, LinkTokens.Hash(token), StringComparison.Ordinal)
            ? (sessionId, link)
            : null;

    /// <summary>A patient write's answer; a session the ticket no longer opens (link reissued) asks the patient to verify again.</summary>
    private static IResult PatientAnswer(SessionWrite write) => write switch
    {
        SessionWrite.NotFound => AccessDenied(),
        SessionWrite.Rejected rejected => rejected.Result,
        _ => SessionResults.ToHttp(write),
    };

    /// <summary>The session behind a link token, if the token is well formed and known.</summary>
    internal static async Task<ConsentSession?> FindAsync(ConsentDbContext db, string token, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return null;
        }

        var hash = LinkTokens.Hash(token);
        return await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.LinkTokenHash == hash, ct);
    }

    /// <remarks>
    /// The ticket must name this very session and this very link: a ticket for session A never
    /// opens session B, and a reissued link revokes tickets of the old one.
    /// </remarks>
    internal static async Task<ConsentSession?> AuthorizedAsync(ConsentDbContext db, string token, ClaimsPrincipal user, CancellationToken ct) =>
        await FindAsync(db, token, ct) is { } session && Opens(user, session) ? session : null;

    /// <summary>True when the patient's ticket names this very session and its current link.</summary>
    internal static bool Opens(ClaimsPrincipal user, ConsentSession session) =>
        user.FindFirstValue(PatientAccess.SessionClaim) == session.Id.ToString("D")
        && user.FindFirstValue(PatientAccess.LinkClaim) == session.LinkTokenHash;

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

    private const int MaxKeyLength = 100;

    private static int MaxAttempts(LoadedWorkflow workflow) =>
        workflow.Definition.Steps.OfType<IdentityStep>().FirstOrDefault()?.MaxAttempts ?? 5;

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult LinkNotValid() => TypedResults.Problem(
        title: "Link not valid", detail: "This link is not valid. Please use the latest link from your clinic.", statusCode: StatusCodes.Status404NotFound);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult AccessDenied() => TypedResults.Problem(
        title: "Verify again", detail: "Please open your link and confirm your date of birth again.", statusCode: StatusCodes.Status403Forbidden);
}
