using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary>
/// Turns the exceptions a caller or an outage can cause into honest problem answers: the database
/// being away is a 503 with Retry-After, data PostgreSQL refuses is a 400, a lost race is a 409.
/// Anything else is a 500 without details. No stack trace ever reaches a caller, and the logged path
/// has its patient link token masked (<see cref="LinkTokenRedaction"/>).
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        var (status, title, detail) = Classify(exception);
        var path = LinkTokenRedaction.Redact(context.Request.Path.Value ?? "");
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
            logger.LogWarning("Database unavailable for {Path}: {Error}", path, exception.GetType().Name);
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error for {Method} {Path}", context.Request.Method, path);
        }

        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    public static (int Status, string Title, string Detail) Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState.StartsWith("22", StringComparison.Ordinal):
                    return (StatusCodes.Status400BadRequest, "Invalid data", "The request contains text or values that cannot be stored (for example a NUL character).");
                case PostgresException pg when pg.SqlState is "23505" or "40001" or "40P01":
                    return (StatusCodes.Status409Conflict, "Conflict", "Someone else changed this at the same moment. Reload and try again.");
                // Connection failures (08), the server shutting down or in recovery (57P01-57P03), too many
                // connections (53300), and 25006 read_only_sql_transaction: a write that reached a server which is,
                // or has just become, a standby - what a failover looks like from a connection opened before it.
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                                               || pg.SqlState is "53300" or "25006":
                    return Unavailable();
                case CommitNotConfirmedException:
                    return (StatusCodes.Status503ServiceUnavailable, "Not confirmed",
                        "The database did not confirm in time that your change is safely stored. Please try again in a few seconds; a retry with the same Idempotency-Key is answered once, never recorded twice.");
                // Npgsql's own failures, which are not the server's answer: a connection refused, broken or timed out,
                // no host of a multi-host string that is the primary (during a failover), an exhausted pool.
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException }:
                case NpgsqlException and not PostgresException:
                case TimeoutException:
                    return Unavailable();
                case BadHttpRequestException bad:
                    return (bad.StatusCode, "Bad request", "The request could not be read.");
                default:
                    break;
            }
        }

        return (StatusCodes.Status500InternalServerError, "Something went wrong", "The error has been logged. Nothing you sent was recorded unless you were told so.");
    }

    private static (int, string, string) Unavailable() =>
        (StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", "The database cannot be reached right now. Please try again in a few seconds.");
}
