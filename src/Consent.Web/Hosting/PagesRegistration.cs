using Consent.Web.Ui;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Consent.Web.Hosting;

/// <summary>The Razor Pages UI for patients, clinicians, auditors, reviewers and admins.</summary>
/// <remarks>
/// Every form posts with an antiforgery token (Razor Pages validate it on every POST). The
/// antiforgery and TempData cookies are HttpOnly, SameSite=Strict and Secure outside Development,
/// like the staff and patient cookies; the Content-Security-Policy (Hosting/SecurityHeaders.cs)
/// allows no inline script or style, so pages load their small scripts from wwwroot/js.
/// Every page under Pages/Patient is anonymous by one convention: a patient has no sign-in, and the
/// link and ticket checks are the pages' own (<see cref="PatientPageModel"/>). Every other page
/// names its policy with <c>[Authorize]</c> (AuthorizationCoverageTests holds both to this).
/// </remarks>
public static class PagesRegistration
{
    public static IServiceCollection AddConsentPages(this IServiceCollection services)
    {
        services.AddRazorPages(options => options.Conventions.AllowAnonymousToFolder("/Patient"))
            .AddMvcOptions(options =>
            {
                options.Filters.Add<AntiforgeryFailureRedirect>();
                options.Filters.Add<UnknownPageHandler>();
                options.Filters.Add<StaffDutiesFilter>();
            });
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((options, environment) =>
        {
            options.Cookie.Name = "consent_af";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            options.FormFieldName = "__RequestVerificationToken";
        });
        services.AddOptions<CookieTempDataProviderOptions>().Configure<IHostEnvironment>((options, environment) =>
        {
            options.Cookie.Name = "consent_notice";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.IsEssential = true;
            options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure(PageRateLimits.AddPolicies);
        services.AddSingleton<QrCodes>();
        services.AddSingleton<StaffNotes>();
        services.AddSingleton<ClinicTime>();
        services.AddScoped<InvitationStatus>();
        services.AddScoped<PatientRecordPage>();
        return services;
    }

    public static void MapConsentPages(this WebApplication app) => app.MapRazorPages();
}

/// <summary>
/// A form whose antiforgery check fails (a patient ticket that expired while the page stood open,
/// a staff sign-in that ended) gets the page again by GET instead of a bare 400, so the person can
/// carry on; nothing is recorded from the refused form.
/// </summary>
internal sealed class AntiforgeryFailureRedirect : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not IAntiforgeryValidationFailedResult)
        {
            return;
        }

        var path = context.HttpContext.Request.Path;
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        context.Result = new RedirectResult(segments is ["p", var token, ..] ? $"/p/{token}" : path.Value ?? "/");
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}

/// <summary>
/// A form posted to a page with no such handler (<c>?handler=Nope</c>, or none where the page has only named ones) gets a
/// 400 problem and runs nothing: without a handler the framework would render the page with nothing loaded.
/// </summary>
internal sealed class UnknownPageHandler : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerMethod is null && !HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method))
        {
            context.Result = new BadRequestObjectResult(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Unknown form",
                Detail = "This page has no such form to send. Open the page again and use its buttons.",
            });
        }
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
