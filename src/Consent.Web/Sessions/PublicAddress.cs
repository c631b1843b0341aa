using Consent.Web.Settings;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Consent.Web.Sessions;

/// <summary>
/// The address people reach the service at, for what the service writes without a clinician's request
/// behind it: the check page every record prints, and the link in a reminder a patient asked for.
/// <c>Consent:PublicBaseUrl</c>, or, when that is not set, the first address this node listens on
/// (with a warning, once). Never a request's Host header: an outside review had a patient-side request
/// with a forged Host put its own address into a reminder the clinic mailed.
/// </summary>
public sealed class PublicAddress(IOptions<ClinicOptions> clinic, IServer server, ILogger<PublicAddress> logger)
{
    private int warned;

    /// <summary>The scheme, host and port (no trailing slash).</summary>
    public string Base
    {
        get
        {
            var configured = clinic.Value.PublicBaseUrl;
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured.Trim().TrimEnd('/');
            }

            var listening = ListeningBase();
            if (Interlocked.Exchange(ref warned, 1) == 0)
            {
                logger.LogWarning("Consent:PublicBaseUrl is not set: records print their check page, and reminders carry patient links, at {Base}, this node's own address. Set it to the address people use.", listening);
            }

            return listening;
        }
    }

    /// <summary>A patient's link on this address: <c>{base}/p/{token}</c>.</summary>
    public string PatientUrl(string token) => $"{Base}/p/{token}";

    /// <summary>The first address the server listens on, a wildcard host read as localhost; http://localhost when it names none (the test server).</summary>
    private string ListeningBase()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return "http://localhost";
        }

        var binding = BindingAddress.Parse(address);
        var host = binding.Host is "+" or "*" or "0.0.0.0" or "[::]" ? "localhost" : binding.Host;
        var port = binding.Port is 0 or 80 or 443 ? "" : ":" + binding.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{binding.Scheme}://{host}{port}";
    }
}
