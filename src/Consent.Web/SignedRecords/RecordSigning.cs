using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Consent.Records;
using Consent.Web.Hosting;
using Consent.Web.Settings;

namespace Consent.Web.SignedRecords;

/// <summary>The service's record-signing certificate, its signer and its public PEM; one per process.</summary>
/// <remarks>
/// Production must name a PKCS#12 file: a certificate made up on the spot would change whenever the
/// data folder is lost, and records signed with it could no longer be trusted. Development makes a
/// self-signed one on first run and keeps it under <c>CONSENT_DATA_DIR</c>, so records stay
/// verifiable across restarts.
/// </remarks>
public sealed class RecordSigning : IDisposable
{
    public const string DevelopmentFileName = "records-signing.pfx";

    /// <summary>
    /// How far before its making the Development certificate's validity begins: <c>seed-demo-data</c> signs records
    /// dated up to about thirteen months back, and a record signed before its certificate's validity does not verify.
    /// </summary>
    public static readonly TimeSpan DevelopmentHistory = TimeSpan.FromDays(2 * 365);

    private RecordSigning(X509Certificate2 certificate, string source, IReadOnlyList<X509Certificate2> issuers, bool timestamped)
    {
        Certificate = certificate;
        Issuers = issuers;
        // With a TSA, each signature keeps room for the signature time-stamp added right after signing (PAdES B-T).
        Signer = new RecordSigner(certificate, timestamped ? RecordSigner.DefaultTimestampRoom : 0);
        PublicPem = SigningCertificates.ExportPublicPem(certificate);
        Source = source;
        Trusted = [certificate];
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The issuing CA certificates that came in the PKCS#12 file with it (empty for a self-signed one): its chain, embedded in records.</summary>
    public IReadOnlyList<X509Certificate2> Issuers { get; }

    /// <summary>The signing certificate then its issuers.</summary>
    public IReadOnlyList<X509Certificate2> Chain => [Certificate, .. Issuers];

    /// <summary>
    /// The certificates whose records this service vouches for: the current one, then any earlier
    /// ones named by <c>Signing:PreviousCertificatesPath</c>, so records signed before a rotation
    /// still verify as trusted.
    /// </summary>
    public IReadOnlyList<X509Certificate2> Trusted { get; private set; }

    /// <summary>The earlier certificates' public PEM (empty when none are configured), for exports and verifiers.</summary>
    public string PreviousPem { get; private set; } = "";

    public RecordSigner Signer { get; }

    /// <summary>The public certificate as PEM, for auditors and verifiers.</summary>
    public string PublicPem { get; }

    /// <summary>The file the certificate came from.</summary>
    public string Source { get; }

    /// <summary>Loads the configured certificate, or in Development the one kept in the data folder (made on first run).</summary>
    /// <exception cref="StartupProblemException">The certificate is missing or unusable; the message says what to fix.</exception>
    public static RecordSigning Load(IConfiguration configuration, IHostEnvironment environment) => Load(
        SettingsRegistration.Read<SigningOptions>(configuration, SigningOptions.Section), DataDirectoryOptions.From(configuration),
        ClinicSettings.NameOf(SettingsRegistration.Read<ClinicOptions>(configuration, ClinicOptions.Section)), environment);

    /// <param name="dataDirectory">Where Development keeps its certificate.</param>
    /// <param name="clinicName">Named in a development certificate's subject.</param>
    public static RecordSigning Load(SigningOptions options, string dataDirectory, string clinicName, IHostEnvironment environment)
    {
        var signing = LoadCurrent(options, dataDirectory, clinicName, environment);
        if (options.PreviousCertificatesPath is { Length: > 0 } previous)
        {
            signing.AddPrevious(Path.GetFullPath(previous));
        }

        return signing;
    }

    private static RecordSigning LoadCurrent(SigningOptions options, string dataDirectory, string clinicName, IHostEnvironment environment)
    {
        var path = options.CertificatePath;
        var password = options.CertificatePassword;
        if (!string.IsNullOrWhiteSpace(path))
        {
            return FromFile(Path.GetFullPath(path), string.IsNullOrEmpty(password) ? null : password, "Signing:CertificatePath", Timestamped(options));
        }

        if (!environment.IsDevelopment())
        {
            throw new StartupProblemException(
                "No record-signing certificate is configured. Set Signing:CertificatePath (environment variable "
                + "Signing__CertificatePath) to a PKCS#12 file with an ECDSA or RSA private key, and Signing:CertificatePassword "
                + "to its password. To make a self-signed one: dotnet Consent.Web.dll create-signing-certificate /data/records-signing.pfx");
        }

        var file = Path.Combine(dataDirectory, DevelopmentFileName);
        if (!File.Exists(file))
        {
            CreateFile(file, $"{clinicName} records (development)", null, DateTimeOffset.UtcNow - DevelopmentHistory);
        }

        return FromFile(file, null, "the development certificate", Timestamped(options));
    }

    /// <summary>Writes a new self-signed signing certificate; never replaces an existing file (another process may have won the race).</summary>
    /// <param name="file">The PKCS#12 file to write.</param>
    /// <param name="subject">The certificate's subject.</param>
    /// <param name="password">The file's password, if any.</param>
    /// <param name="validFrom">The start of its validity when earlier than now (the Development certificate, <see cref="DevelopmentHistory"/>).</param>
    /// <returns>True when this call wrote the file; false when it existed already.</returns>
    public static bool CreateFile(string file, string subject, string? password, DateTimeOffset? validFrom = null) =>
        PrivateFiles.WriteNew(file, SigningCertificates.CreateDevelopmentCertificate(subject, password, validFrom: validFrom));

    private static bool Timestamped(SigningOptions options) => !string.IsNullOrWhiteSpace(options.TimestampUrl);

    private static RecordSigning FromFile(string file, string? password, string what, bool timestamped)
    {
        if (!File.Exists(file))
        {
            throw new StartupProblemException($"The record-signing certificate ({what}) {file} does not exist.");
        }

        X509Certificate2 certificate;
        List<X509Certificate2> issuers;
        try
        {
            certificate = SigningCertificates.Load(file, password);
            issuers = [.. SigningCertificates.LoadIssuers(file, password, certificate)];
        }
        catch (CryptographicException e)
        {
            throw new StartupProblemException(
                $"The record-signing certificate {file} could not be read as PKCS#12 ({e.Message.TrimEnd('.')}). Check Signing:CertificatePassword.");
        }

        try
        {
            return new RecordSigning(certificate, file, issuers, timestamped);
        }
        catch (ArgumentException e)
        {
            certificate.Dispose();
            throw new StartupProblemException($"The record-signing certificate {file} cannot sign records: {e.Message}");
        }
    }

    /// <summary>Adds the certificates of a PEM file (one or more "BEGIN CERTIFICATE" blocks) as earlier, still trusted ones.</summary>
    private void AddPrevious(string file)
    {
        if (!File.Exists(file))
        {
            throw new StartupProblemException($"The earlier record-signing certificates (Signing:PreviousCertificatesPath) {file} do not exist.");
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(file);
        }
        catch (CryptographicException e)
        {
            throw new StartupProblemException($"The earlier record-signing certificates {file} could not be read as PEM ({e.Message.TrimEnd('.')}).");
        }

        if (collection.Count == 0)
        {
            throw new StartupProblemException($"The earlier record-signing certificates {file} hold no certificate (expected PEM \"BEGIN CERTIFICATE\" blocks).");
        }

        var previous = collection.Where(c => !c.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span)).ToList();
        Trusted = [Certificate, .. previous];
        PreviousPem = string.Concat(previous.Select(SigningCertificates.ExportPublicPem));
    }

    public void Dispose()
    {
        foreach (var certificate in Trusted.Concat(Issuers))
        {
            certificate.Dispose();
        }
    }
}
