using Microsoft.AspNetCore.Http.Json;

namespace Consent.Web.Hosting;

/// <summary>Problem details for every error, OpenAPI, JSON options and request limits of the API.</summary>
public static class ApiConventions
{
    public static IServiceCollection AddConsentApi(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
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
