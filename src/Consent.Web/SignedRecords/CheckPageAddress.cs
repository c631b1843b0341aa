using Consent.Web.Settings;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Consent.Web.SignedRecords;

/// <summary>
/// The address of the public check page (<c>/check</c>) that every record prints as a QR code and as
/// text: <c>{Consent:PublicBaseUrl}/check</c>, or, when that is not set, the first address this node
/// listens on (a record is issued by a background job, with no request whose host could be used).
/// It names nothing of any record, session or patient: every record prints the same address.
/// </summary>
public sealed class CheckPageAddress(IOptions<ClinicOptions> clinic, IServer server, ILogger<CheckPageAddress> logger)
{
    /// <summary>The page's path.</summary>
    public const string Path = "/check";

    private int _warned;

    public string Url
    {
        get
        {
            var configured = clinic.Value.PublicBaseUrl;
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured.Trim().TrimEnd('/') + Path;
            }

            var listening = ListeningBase();
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                logger.LogWarning("Consent:PublicBaseUrl is not set: records print their check page as {Url}, this node's own address. Set it to the address people use.", listening + Path);
            }

            return listening + Path;
        }
    }

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
