namespace Consent.Web.Hosting;

/// <summary>The Razor Pages UI for patients, clinicians, auditors, reviewers and admins.</summary>
public static class PagesRegistration
{
    public static IServiceCollection AddConsentPages(this IServiceCollection services)
    {
        services.AddRazorPages();
        return services;
    }

    public static void MapConsentPages(this WebApplication app) => app.MapRazorPages();
}
