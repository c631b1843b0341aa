using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Consent.Web.Api;

/// <summary>
/// The one place a use case's <see cref="Outcome{T}"/> becomes HTTP: done is 200 (or what the
/// endpoint says), invalid is a validation problem, refused and not found are RFC 9457 problems.
/// </summary>
public static class OutcomeResults
{
    public static IResult ToHttp<T>(this Outcome<T> outcome, Func<T, IResult>? ok = null) => outcome switch
    {
        Outcome<T>.Ok done => ok is null ? TypedResults.Ok(done.Value) : ok(done.Value),
        Outcome<T>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        Outcome<T>.NotFound { Detail: null } => TypedResults.NotFound(),
        _ => Problem(outcome),
    };

    /// <summary>An accepted session write: its answer, or the first answer again for a repeated Idempotency-Key.</summary>
    public static IResult ToHttp(this Outcome<SessionWrite> outcome) => outcome.ToHttp(write => write switch
    {
        SessionWrite.Replayed replayed => TypedResults.Content(replayed.Body, "application/json", statusCode: replayed.StatusCode),
        SessionWrite.Applied applied => TypedResults.Json(applied.Body),
        _ => throw new InvalidOperationException("Unknown session write."),
    });

    /// <summary>A refusal, or a not found with its detail, as a problem document.</summary>
    public static ProblemHttpResult Problem<T>(Outcome<T> outcome) => outcome switch
    {
        Outcome<T>.Refused { Refusal: var refusal } => Problem(refusal),
        Outcome<T>.NotFound missing => NotFound(new Missing(missing.Detail)),
        _ => throw new InvalidOperationException("Only a refusal or a not found is a problem."),
    };

    public static ProblemHttpResult Problem(Refusal refusal) =>
        TypedResults.Problem(title: refusal.Title, detail: refusal.Reason, statusCode: StatusOf(refusal.Kind), extensions: refusal.Extensions);

    public static ProblemHttpResult NotFound(Missing missing) =>
        TypedResults.Problem(title: "Not found", detail: missing.Detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>One invalid field, as the validation problem every endpoint answers.</summary>
    public static ValidationProblem Invalid(string field, string message) => TypedResults.ValidationProblem(FieldErrors.One(field, message).Errors);

    private static int StatusOf(RefusedAs kind) => kind switch
    {
        RefusedAs.Invalid => StatusCodes.Status400BadRequest,
        RefusedAs.SignedOut => StatusCodes.Status401Unauthorized,
        RefusedAs.Forbidden => StatusCodes.Status403Forbidden,
        RefusedAs.NotFound => StatusCodes.Status404NotFound,
        RefusedAs.Conflict => StatusCodes.Status409Conflict,
        RefusedAs.Gone => StatusCodes.Status410Gone,
        RefusedAs.KeyReused => StatusCodes.Status422UnprocessableEntity,
        RefusedAs.Locked => StatusCodes.Status423Locked,
        RefusedAs.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        RefusedAs.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
    };
}
