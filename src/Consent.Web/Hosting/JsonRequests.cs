using Consent.Web.Sessions;

namespace Consent.Web.Hosting;

/// <summary>Marks an API endpoint whose request body is not JSON (a PDF upload), so <see cref="JsonRequests"/> leaves it alone.</summary>
public sealed class NonJsonBody;

/// <summary>
/// Applies <see cref="JsonRules"/> to every request body sent to <c>/api/</c>, before model binding or a
/// handler reads it: a wrong content type is a 415 problem, a malformed body or a repeated member a 400
/// problem naming it, and nothing runs. It sits after authorization, so a caller without access still
/// gets 401/403 whatever the body.
/// </summary>
public static class JsonRequests
{
    public static IApplicationBuilder UseConsentJsonRequests(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!request.Path.StartsWithSegments("/api") || context.GetEndpoint() is not { } endpoint
                || endpoint.Metadata.GetMetadata<NonJsonBody>() is not null || request.ContentLength == 0
                || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            {
                await next(context);
                return;
            }

            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            request.Body = new MemoryStream(body, writable: false);
            if (body.Length == 0)
            {
                await next(context);
                return;
            }

            IResult? refusal = !JsonRules.IsJsonContentType(request.ContentType)
                ? TypedResults.Problem(title: "Unsupported media type",
                    detail: "Send the body as JSON: Content-Type application/json (or an application/*+json type), in UTF-8.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType)
                : JsonRules.Check(body) switch
                {
                    { Member: { Length: > 0 } member } problem => Api.OutcomeResults.Invalid(member, problem.Message),
                    { } problem => TypedResults.Problem(title: "Invalid JSON", detail: problem.Message, statusCode: StatusCodes.Status400BadRequest),
                    null => null,
                };
            if (refusal is null)
            {
                // The body is now known to be UTF-8 JSON. Binding would otherwise decode it by the charset
                // parameter as it parses it itself, and a quoted charset="UTF-8" made it throw (a 500).
                request.ContentType = "application/json";
                await next(context);
                return;
            }

            await refusal.ExecuteAsync(context);
        });
}
