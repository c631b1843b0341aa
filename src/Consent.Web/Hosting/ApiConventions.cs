using Microsoft.AspNetCore.Http.Json;

namespace Consent.Web.Hosting;

/// <summary>Problem details for every error, OpenAPI, JSON options and request limits of the API.</summary>
public static class ApiConventions
{
    public static IServiceCollection AddConsentApi(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            // A body or query value the endpoint cannot bind (a string for a list, "1" for a boolean) is answered by the
            // framework with a bare 400; say what it means, since the framework logs its reason but does not return it.
            // A validation problem that names its fields says so in the detail instead (field: message; …).
            if (context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } named && named.Detail is null)
            {
                named.Detail = string.Join(" ", named.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
                    + " Nothing was changed.";
            }
            else if (context.ProblemDetails.Status == StatusCodes.Status400BadRequest && context.ProblemDetails.Detail is null && context.Exception is null)
            {
                context.ProblemDetails.Detail = "The request could not be read: a value has the wrong type or form, or the body is not the JSON "
                    + "this endpoint takes (the API reference at /scalar names each field). Nothing was changed.";
            }
        });
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.MaxDepth = JsonRules.MaxDepth;
            // JsonRequests refuses repeated members with a clear problem first; this keeps binding from taking the last one if it ever runs alone.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        // Bad JSON or a missing body is the caller's mistake: a 400 problem, never an exception page.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
