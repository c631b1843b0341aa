using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Consent.Web.Hosting;
using Consent.Web.SignedRecords;

namespace Consent.Web.Identity;

/// <summary>
/// The certificate that encrypts the Data Protection key ring at rest, and an earlier one it can
/// still decrypt with after a rotation; one per process.
/// </summary>
/// <remarks>
/// The key ring lives in the database, so without this anyone holding a copy of the database (a
/// backup, a DBA) could mint bearer tokens, cookies and patient tickets. The certificate must come
/// from outside the database: a PKCS#12 file or an environment variable. Production refuses to
/// start without one; Development makes one on the first run and keeps it under
/// <c>CONSENT_DATA_DIR</c>, like the record-signing certificate.
/// </remarks>
public sealed class KeyEncryption : IDisposable
{
    public const string DevelopmentFileName = "data-protection-keys.pfx";

    private KeyEncryption(X509Certificate2 current, X509Certificate2? previous, string source)
    {
        Current = current;
        Previous = previous;
        Source = source;
    }

    /// <summary>New keys are encrypted with this one.</summary>
    public X509Certificate2 Current { get; }

    /// <summary>An earlier certificate, only to decrypt keys it encrypted (<c>DataProtection:PreviousCertificatePath</c>).</summary>
    public X509Certificate2? Previous { get; }

    /// <summary>Where the current certificate came from, for the start-up log.</summary>
    public string Source { get; }

    public IEnumerable<X509Certificate2> All => Previous is null ? [Current] : [Current, Previous];

    /// <exception cref="StartupProblemException">The certificate is missing or unusable; the message says what to fix.</exception>
    public static KeyEncryption Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var password = configuration["DataProtection:CertificatePassword"] is { Length: > 0 } p ? p : null;
        X509Certificate2 current;
        string source;
        if (configuration["DataProtection:CertificatePath"] is { Length: > 0 } path)
        {
            source = Path.GetFullPath(path);
            current = FromFile(source, password, "DataProtection:CertificatePath");
        }
        else if (configuration["DataProtection:CertificateBase64"] is { Length: > 0 } base64)
        {
            source = "DataProtection:CertificateBase64";
            current = FromBytes(Decode(base64), password, source);
        }
        else if (environment.IsDevelopment())
        {
            source = Path.Combine(Settings.DataDirectoryOptions.From(configuration), DevelopmentFileName);
            if (!File.Exists(source))
            {
                PrivateFiles.WriteNew(source, Create("Consent data protection keys (development)", null));
            }

            current = FromFile(source, null, "the development certificate");
        }
        else
        {
            throw new StartupProblemException(
                "No key-encryption certificate is configured, so the Data Protection keys (sign-ins, patient tickets) would be "
                + "stored readable in the database. Set DataProtection__CertificatePath to a PKCS#12 file with an RSA private key "
                + "(or DataProtection__CertificateBase64 to the file's contents in base64) and DataProtection__CertificatePassword "
                + "to its password. To make one: dotnet Consent.Web.dll create-key-encryption-certificate /secrets/data-protection-keys.pfx");
        }

        var previous = configuration["DataProtection:PreviousCertificatePath"] is { Length: > 0 } earlier
            ? FromFile(Path.GetFullPath(earlier), configuration["DataProtection:PreviousCertificatePassword"] is { Length: > 0 } q ? q : null,
                "DataProtection:PreviousCertificatePath")
            : null;
        return new KeyEncryption(current, previous, source);
    }

    /// <summary>A new self-signed RSA 3072 certificate as PKCS#12; XML encryption of the key ring needs an RSA key.</summary>
    public static byte[] Create(string subject, string? password)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest(subject.Contains('=', StringComparison.Ordinal) ? subject : $"CN={subject}",
            rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return certificate.Export(X509ContentType.Pkcs12, password);
    }

    private static X509Certificate2 FromFile(string file, string? password, string what) =>
        File.Exists(file)
            ? FromBytes(File.ReadAllBytes(file), password, file)
            : throw new StartupProblemException($"The key-encryption certificate ({what}) {file} does not exist.");

    private static X509Certificate2 FromBytes(byte[] pkcs12, string? password, string what)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new StartupProblemException(
                $"The key-encryption certificate {what} could not be read as PKCS#12 ({e.Message.TrimEnd('.')}). Check DataProtection:CertificatePassword.");
        }

        using var key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            certificate.Dispose();
            throw new StartupProblemException($"The key-encryption certificate {what} has no RSA private key; the key ring can only be encrypted to an RSA key.");
        }

        return certificate;
    }

    private static byte[] Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new StartupProblemException("DataProtection:CertificateBase64 is not base64 (encode the .pfx file, e.g. base64 -w0 file.pfx).");
        }
    }

    public void Dispose()
    {
        Current.Dispose();
        Previous?.Dispose();
    }
}
