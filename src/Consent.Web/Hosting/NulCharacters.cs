namespace Consent.Web.Hosting;

/// <summary>
/// Refuses, with a 400 problem, a query string or page form that carries a NUL character (U+0000);
/// <see cref="JsonRules"/> refuses it in JSON bodies, and Kestrel in the path.
/// </summary>
/// <remarks>
/// No field of ours means anything with a NUL in it, and PostgreSQL cannot store one in text (SQLSTATE
/// 22021). Sent as a query parameter, it also left the pooled connection's auto-prepared statement in a
/// state where the next request on that connection failed with "Received unexpected backend message
/// DataRow" (a 500 for someone else), so it is stopped before anything reads the database.
/// The public check page (<c>/check</c>, Pages/Check.cshtml.cs) reads its own form, after its rate
/// limit and its size check and with a body limit of its own (a record PDF may be larger than the
/// 4 MB every other request may send); its one text field accepts hexadecimal digits only.
/// </remarks>
public static class NulCharacters
{
    public const string Message = "The text contains a NUL character (U+0000), which no field accepts. Remove it and send the request again.";

    private const string FormMessage = "The form could not be read: a value contains a NUL character (U+0000) or other text a form cannot carry, or the form is too large. Correct it and send it again.";

    public static IApplicationBuilder UseConsentNulCharacterCheck(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var found = request.Query.Any(pair => pair.Key.Contains('\0', StringComparison.Ordinal) || HasNul(pair.Value));
            // Page forms only: the API reads JSON (checked by JsonRules), and its one upload is a PDF.
            if (!found && request.HasFormContentType && !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments(SignedRecords.CheckPageAddress.Path))
            {
                try
                {
                    var form = await request.ReadFormAsync(context.RequestAborted);
                    found = form.Any(pair => pair.Key.Contains('\0', StringComparison.Ordinal) || HasNul(pair.Value));
                }
                catch (InvalidDataException)
                {
                    // ASP.NET Core refuses a URL-encoded %00 (and an over-long form) by throwing, which
                    // was a 500; multipart values arrive undecoded and are checked above.
                    await TypedResults.Problem(title: "Invalid form", detail: FormMessage, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
                    return;
                }
            }

            if (!found)
            {
                await next(context);
                return;
            }

            await TypedResults.Problem(title: "Invalid text", detail: Message, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
        });

    private static bool HasNul(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Any(value => value is not null && value.Contains('\0', StringComparison.Ordinal));
}
