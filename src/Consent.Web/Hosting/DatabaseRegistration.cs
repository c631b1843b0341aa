using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Hosting;

/// <summary>Registers the PostgreSQL database context from <c>ConnectionStrings:Consent</c>.</summary>
public static class DatabaseRegistration
{
    public static IServiceCollection AddConsentDatabase(this IServiceCollection services)
    {
        services.AddDbContextPool<ConsentDbContext>((provider, options) => options
            .UseNpgsql(ConnectionString(provider.GetRequiredService<IConfiguration>()))
            .UseSnakeCaseNamingConvention());
        return services;
    }

    public static string ConnectionString(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Consent");
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new StartupProblemException(
                "No database configured: set ConnectionStrings__Consent (scripts/run.sh does this for a local PostgreSQL).")
            : connectionString;
    }
}
