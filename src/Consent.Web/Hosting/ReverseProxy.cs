using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Consent.Web.Hosting;

/// <summary>
/// Running behind a TLS-terminating reverse proxy (deploy/nginx.conf): the client address and the
/// original scheme come from <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, believed only
/// from the proxies listed in <c>Proxy:KnownProxies</c> (addresses) and <c>Proxy:KnownNetworks</c>
/// (CIDR ranges), each a comma-separated list or an array.
/// </summary>
/// <remarks>
/// ASP.NET Core's defaults trust loopback (127.0.0.0/8 and ::1). They are cleared: a service that
/// trusts what it was not told to trust lets any local process, or a container sharing the host's
/// network, claim any client address and dodge the per-address abuse limits. With both lists empty
/// the middleware would trust every peer (it checks addresses only when a list has entries), so
/// without configured proxies it is not added at all and every forwarded header is ignored.
/// <c>X-Forwarded-Host</c> is not used: nginx passes the client's own Host header through, and
/// patient links use <c>Consent:PublicBaseUrl</c> when it is set. See ASP.NET Core's "Configure
/// ASP.NET Core to work with proxy servers and load balancers" for the middleware's rules.
/// </remarks>
public static class ReverseProxy
{
    public const string KnownProxiesKey = "Proxy:KnownProxies";
    public const string KnownNetworksKey = "Proxy:KnownNetworks";

    /// <summary>The trusted proxies read from configuration, and any entry that could not be read.</summary>
    public sealed record Settings(IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks, IReadOnlyList<string> Errors)
    {
        public bool Any => Proxies.Count > 0 || Networks.Count > 0;
    }

    public static Settings Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var proxies = new List<IPAddress>();
        foreach (var entry in Entries(configuration, KnownProxiesKey))
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                errors.Add($"{KnownProxiesKey}: '{entry}' is not an IP address.");
            }
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in Entries(configuration, KnownNetworksKey))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{KnownNetworksKey}: '{entry}' is not a network in CIDR form such as 172.28.0.0/24.");
            }
        }

        return new Settings(proxies, networks, errors);
    }

    public static IServiceCollection AddConsentReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = Read(configuration);
        services.AddSingleton(settings);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in settings.Networks)
            {
                options.KnownIPNetworks.Add(network);
            }

            // Walk X-Forwarded-For from the right through trusted proxies only, stopping at the first
            // address that is not one (a chain of proxies works; a client's own entries are never read).
            options.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after it (HSTS, cookies, antiforgery, rate limits, the event log) sees the real client.</summary>
    public static IApplicationBuilder UseConsentReverseProxy(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Settings>().Any)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <exception cref="StartupProblemException">A proxy entry that is not an address or network.</exception>
    public static void CheckProxyConfiguration(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<Settings>();
        if (settings.Errors.Count > 0)
        {
            throw new StartupProblemException(string.Join(Environment.NewLine, settings.Errors));
        }

        if (settings.Any)
        {
            app.Logger.LogInformation("Forwarded headers are trusted from {Proxies}.",
                string.Join(", ", settings.Proxies.Select(p => p.ToString()).Concat(settings.Networks.Select(n => n.ToString()))));
        }
    }

    private static IEnumerable<string> Entries(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(child => child.Value).Append(section.Value);
        return values.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
