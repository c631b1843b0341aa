using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Consent.Records;

/// <summary>Loads the service's signing certificate, or makes a self-signed one for development.</summary>
public static class SigningCertificates
{
    /// <summary>Loads a PKCS#12 (.pfx/.p12) file with its private key.</summary>
    public static X509Certificate2 Load(string pkcs12Path, string? password)
    {
        ArgumentException.ThrowIfNullOrEmpty(pkcs12Path);
        return X509CertificateLoader.LoadPkcs12FromFile(pkcs12Path, password, X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>
    /// The other certificates in a PKCS#12 file (its issuing CA certificates, as a CA hands them out with the key), the
    /// signing certificate <paramref name="signing"/> left out: the chain records embed (PAdES B-LT).
    /// </summary>
    public static IEnumerable<X509Certificate2> LoadIssuers(string pkcs12Path, string? password, X509Certificate2 signing)
    {
        ArgumentException.ThrowIfNullOrEmpty(pkcs12Path);
        ArgumentNullException.ThrowIfNull(signing);
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(pkcs12Path, password, X509KeyStorageFlags.EphemeralKeySet);
        foreach (var certificate in all)
        {
            if (certificate.RawDataMemory.Span.SequenceEqual(signing.RawDataMemory.Span))
            {
                certificate.Dispose();
                continue;
            }

            yield return certificate.HasPrivateKey ? X509CertificateLoader.LoadCertificate(certificate.RawData) : certificate;
        }
    }

    /// <summary>Loads PKCS#12 bytes with their private key.</summary>
    public static X509Certificate2 Load(ReadOnlySpan<byte> pkcs12, string? password) =>
        X509CertificateLoader.LoadPkcs12(pkcs12, password, X509KeyStorageFlags.EphemeralKeySet);

    /// <summary>
    /// A self-signed ECDSA P-256 certificate (key usage digitalSignature and nonRepudiation, valid
    /// from <paramref name="validFrom"/>, by default five minutes ago, to five years from now) as PKCS#12
    /// bytes, protected by <paramref name="password"/> if given.
    /// </summary>
    /// <param name="subjectName">The subject, as "CN=..." or a bare common name.</param>
    /// <param name="password">The PKCS#12 password, if any.</param>
    /// <param name="clock">The time "now" is taken from.</param>
    /// <param name="validFrom">
    /// The start of the validity period, when it must lie further back: a record signed at a time before it does not
    /// verify. Only the Development certificate uses it (<c>seed-demo-data</c> signs records dated up to a year back).
    /// </param>
    /// <remarks>
    /// The key usage also carries keyCertSign, which a self-signed certificate asserts for its own
    /// signature: without it NSS (pdfsig, Firefox, Thunderbird) will not accept the certificate as
    /// its own trust anchor and reports "issuer unknown" even after an auditor trusts it.
    /// </remarks>
    public static byte[] CreateDevelopmentCertificate(string subjectName, string? password = null, TimeProvider? clock = null, DateTimeOffset? validFrom = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectName);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = subjectName.Contains('=', StringComparison.Ordinal) ? subjectName : $"CN={subjectName}";
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(validFrom ?? now.AddMinutes(-5), now.AddYears(5));
        return certificate.Export(X509ContentType.Pkcs12, password);
    }

    /// <summary>The public certificate as PEM, for auditors to trust.</summary>
    public static string ExportPublicPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem() + "\n";
    }
}
