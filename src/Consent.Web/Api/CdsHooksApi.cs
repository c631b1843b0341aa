using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.CdsHooks;
using Consent.Web.UseCases.PatientRecords;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Consent.Web.Api;

/// <summary>
/// The EHR's side of the consent gate: CDS Hooks 2.0 (<c>/cds-services</c>) and the FHIR Consent search
/// (<c>/fhir/Consent</c>). No staff sign-in: a call carries a JWT signed by a trusted client (<see cref="ClientTokens"/>),
/// whose <c>aud</c> is the URL of the endpoint called, under <c>Consent:PublicBaseUrl</c> (never the request's Host).
/// </summary>
public static class CdsHooksApi
{
    /// <summary>The largest CDS Hooks request read (draft orders and a Patient are a few kB).</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    public static void MapCdsHooksApi(this IEndpointRouteBuilder app)
    {
        var cds = app.MapGroup("/cds-services").WithTags("CDS Hooks");
        // Discovery lists what the service does and names no patient: CDS Hooks 2.0 asks for the JWT only where the
        // service requires authentication, so it is open, as EHR registration tools expect.
        cds.MapGet("/", () => TypedResults.Json(KetamineConsentHook.Discovery())).AllowAnonymous();
        cds.MapPost($"/{KetamineConsentHook.ServiceId}", CallAsync).AllowAnonymous();
        app.MapGet("/fhir/Consent", SearchAsync).WithTags("FHIR").AllowAnonymous();
    }

    internal static async Task<IResult> CallAsync(
        HttpContext http, ClientTokens tokens, PublicAddress address, KetamineConsentHook hook, CancellationToken ct)
    {
        if (await UntrustedAsync(http, tokens, $"{address.Base}/cds-services/{KetamineConsentHook.ServiceId}", ct) is { } refused)
        {
            return refused;
        }

        var (body, problem) = await ReadJsonAsync(http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        return (await hook.CardsAsync(body, address.Base, ct)).ToHttp(cards => TypedResults.Json(cards));
    }

    internal static async Task<IResult> SearchAsync(
        HttpContext http, ClientTokens tokens, PublicAddress address, ConsentSearch search, CancellationToken ct)
    {
        if (await UntrustedAsync(http, tokens, $"{address.Base}/fhir", ct) is { } refused)
        {
            return refused;
        }

        var strict = http.Request.Headers["Prefer"].Any(p => p?.Contains("handling=strict", StringComparison.OrdinalIgnoreCase) == true);
        return (await search.SearchAsync(http.Request.Query, strict, $"{address.Base}/fhir/Consent", ct)) switch
        {
            Outcome<Bundle>.Ok ok => Fhir(ok.Value, StatusCodes.Status200OK),
            Outcome<Bundle>.Invalid invalid => Fhir(Problem(invalid.Errors), StatusCodes.Status400BadRequest),
            var other => other.ToHttp(),
        };
    }

    /// <summary>The 401 problem when the call's token is not a trusted client's for <paramref name="audience"/>, else null (and no-store either way).</summary>
    private static async Task<IResult?> UntrustedAsync(HttpContext http, ClientTokens tokens, string audience, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var trusted = await tokens.CheckAsync(http.Request, audience, ct);
        return trusted is Outcome<TrustedCall>.Ok ? null : OutcomeResults.Problem(trusted);
    }

    /// <summary>A search error as FHIR answers one: an OperationOutcome (FHIR R4 "Search", 3.1.1.2).</summary>
    private static OperationOutcome Problem(IReadOnlyDictionary<string, string[]> errors) => new()
    {
        Issue = [.. errors.SelectMany(e => e.Value.Select(message => new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = OperationOutcome.IssueType.Invalid,
            Diagnostics = message,
            Expression = [e.Key],
        }))],
    };

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Fhir(Resource resource, int status) =>
        TypedResults.Text(new FhirJsonSerializer().SerializeToString(resource), "application/fhir+json", System.Text.Encoding.UTF8, status);

    /// <summary>The body as JSON, or the problem: not a JSON media type (415), over <see cref="MaxRequestBytes"/> (413), not JSON (400).</summary>
    private static async Task<(JsonNode? Body, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (!Hosting.JsonRules.IsJsonContentType(request.ContentType))
        {
            return (null, TypedResults.Problem(title: "Unsupported media type", detail: "Send the CDS Hooks request as JSON: Content-Type application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
            {
                return (null, TypedResults.Problem(title: "Request too large", detail: $"A CDS Hooks request may be at most {MaxRequestBytes / 1024} kB.",
                    statusCode: StatusCodes.Status413PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        // The API's one rule for JSON bodies (Hosting/JsonRules): one value, no duplicate members, valid UTF-8, not too deep.
        // JsonNode reads lazily, so without it a duplicate "hook" or a bad byte in a string failed later, as a 500.
        if (Hosting.JsonRules.Check(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } problem)
        {
            return (null, TypedResults.Problem(title: "Invalid JSON", detail: $"Send the CDS Hooks request as one JSON object: {problem.Message}",
                statusCode: StatusCodes.Status400BadRequest));
        }

        try
        {
            return (JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 64 }), null);
        }
        catch (JsonException)
        {
            return (null, TypedResults.Problem(title: "Invalid JSON", detail: "Send the CDS Hooks request as one JSON object.", statusCode: StatusCodes.Status400BadRequest));
        }
    }
}
