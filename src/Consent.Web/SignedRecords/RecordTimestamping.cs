using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Consent.Records;
using Consent.Web.Hosting;
using Consent.Web.Settings;

namespace Consent.Web.SignedRecords;

/// <summary>
/// The configured RFC 3161 time-stamping authority (null when <c>Signing:TimestampUrl</c> is unset), the roots a
/// timestamp's TSA must chain to, and the roots a signing certificate may chain to; one per process.
/// </summary>
public sealed class RecordTimestamping : IDisposable
{
    private readonly HttpClient _http;

    public RecordTimestamping(SigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Used for the TSA and for fetching CRLs at the addresses certificates name; never follows a redirect to elsewhere.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(options.TimestampTimeoutSeconds),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Consent-records/1");
        if (!string.IsNullOrWhiteSpace(options.TimestampUrl))
        {
            Authority = new TimestampAuthority(_http, new Uri(options.TimestampUrl), options.TimestampUser, options.TimestampPassword);
        }

        TimestampRoots = ReadRoots(options.TimestampRootsPath, "Signing:TimestampRootsPath");
        TrustedRoots = ReadRoots(options.TrustedRootsPath, "Signing:TrustedRootsPath");
    }

    /// <summary>The TSA, or null when none is configured (records stay PAdES B-B).</summary>
    public TimestampAuthority? Authority { get; }

    /// <summary>The client CRLs are fetched with (bounded by the same timeout).</summary>
    public HttpClient Http => _http;

    /// <summary>Roots a timestamp's TSA certificate must chain to for the timestamp to be trusted.</summary>
    public IReadOnlyList<X509Certificate2> TimestampRoots { get; }

    /// <summary>Roots a signing certificate may chain to.</summary>
    public IReadOnlyList<X509Certificate2> TrustedRoots { get; }

    private static List<X509Certificate2> ReadRoots(string? path, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return [];
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(Path.GetFullPath(path));
        }
        catch (CryptographicException e)
        {
            throw new StartupProblemException($"{setting} {path} could not be read as PEM ({e.Message.TrimEnd('.')}).");
        }

        if (collection.Count == 0)
        {
            throw new StartupProblemException($"{setting} {path} holds no certificate (expected PEM \"BEGIN CERTIFICATE\" blocks).");
        }

        return [.. collection];
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var root in TimestampRoots.Concat(TrustedRoots))
        {
            root.Dispose();
        }
    }
}
