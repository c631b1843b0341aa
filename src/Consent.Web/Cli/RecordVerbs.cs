using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Consent.Records;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;

namespace Consent.Web.Cli;

/// <summary>
/// Command-line verbs for records, with no database: <c>verify-record FILE.pdf [--certificate cert.pem]...</c>
/// for auditors working offline, and <c>create-signing-certificate FILE.pfx [--subject NAME]</c> for operators.
/// </summary>
public static class RecordVerbs
{
    /// <summary>Prints a plain report; exit code 0 only for a valid record signed by a trusted certificate, 1 otherwise, 2 for bad usage.</summary>
    public static int VerifyRecord(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? file = null;
        var certificatePaths = new List<string>();
        var caPaths = new List<string>();
        var tsaPaths = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--certificate" or "-c" && i + 1 < args.Count)
            {
                certificatePaths.Add(args[++i]);
            }
            else if (args[i] == "--ca" && i + 1 < args.Count)
            {
                caPaths.Add(args[++i]);
            }
            else if (args[i] == "--tsa-ca" && i + 1 < args.Count)
            {
                tsaPaths.Add(args[++i]);
            }
            else if (file is null && !args[i].StartsWith('-'))
            {
                file = args[i];
            }
            else
            {
                return Usage(error, $"Unexpected argument '{args[i]}'.");
            }
        }

        if (file is null)
        {
            return Usage(error, "Name the record to check.");
        }

        if (!File.Exists(file))
        {
            error.WriteLine($"{file}: no such file.");
            return 2;
        }

        var trusted = new List<X509Certificate2>();
        var roots = new List<X509Certificate2>();
        var tsaRoots = new List<X509Certificate2>();
        try
        {
            foreach (var path in certificatePaths)
            {
                trusted.AddRange(LoadCertificates(path));
            }

            roots.AddRange(caPaths.SelectMany(LoadCertificates));
            tsaRoots.AddRange(tsaPaths.SelectMany(LoadCertificates));
            if (trusted.Count == 0 && roots.Count == 0 && ServiceCertificate() is { } service)
            {
                output.WriteLine($"Trusting the service's own certificate: {service.Source}");
                trusted.Add(service.Certificate);
            }
        }
        catch (CryptographicException e)
        {
            error.WriteLine($"The certificate could not be read: {e.Message}");
            return 2;
        }

        var length = new FileInfo(file).Length;
        if (length > RecordVerifier.MaxBytes)
        {
            error.WriteLine($"{file} is {length / (1024 * 1024)} MiB; a consent record is never that large.");
            return 1;
        }

        var v = RecordVerifier.VerifyWithAny(File.ReadAllBytes(file), trusted, new RecordTrust { SignerRoots = roots, TimestampRoots = tsaRoots });
        Print(output, file, length, v, trusted.Count > 0 && roots.Count > 0 ? "a certificate you gave, or issued by a CA you gave"
            : roots.Count > 0 ? "issued by a CA you gave" : trusted.Count > 0 ? "a certificate you gave" : null);
        foreach (var certificate in trusted.Concat(roots).Concat(tsaRoots))
        {
            certificate.Dispose();
        }

        return v.IsValid ? 0 : 1;
    }

    /// <summary>Writes a new self-signed signing certificate (PKCS#12, password from Signing__CertificatePassword) and its public PEM beside it.</summary>
    public static int CreateSigningCertificate(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CertificateFileArguments.Parse(args, "create-signing-certificate", "Consent records", error) is not { } arguments)
        {
            return 2;
        }

        var (file, subject) = arguments;

        if (File.Exists(file))
        {
            error.WriteLine($"{file} already exists; it was not replaced (records signed with it must stay verifiable).");
            return 1;
        }

        var password = Environment.GetEnvironmentVariable("Signing__CertificatePassword");
        if (!RecordSigning.CreateFile(file, subject, string.IsNullOrEmpty(password) ? null : password))
        {
            error.WriteLine($"{file} was created by another process meanwhile; it was not replaced.");
            return 1;
        }

        using var certificate = SigningCertificates.Load(file, string.IsNullOrEmpty(password) ? null : password);
        var pem = Path.ChangeExtension(file, ".pem");
        File.WriteAllText(pem, SigningCertificates.ExportPublicPem(certificate));
        output.WriteLine($"Wrote {file}: self-signed ECDSA P-256, {certificate.Subject}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}.");
        output.WriteLine($"Its public certificate, for auditors: {pem}");
        output.WriteLine($"Use it with Signing__CertificatePath={Path.GetFullPath(file)}{(string.IsNullOrEmpty(password) ? "" : " and the same Signing__CertificatePassword")}.");
        return 0;
    }

    private static void Print(TextWriter o, string file, long length, RecordVerification v, string? trustedAs)
    {
        RecordFileReport.Of(v, file, length, trustedAs, withSession: true).Print(o);
        o.WriteLine("(Offline check of the file alone; POST /api/v1/records/verify also compares it with the stored record and the session's event chain.)");
    }

    /// <summary>Every certificate of a PEM file (the export's certificate.pem holds the current and any earlier ones), or the one of a DER file.</summary>
    private static X509Certificate2Collection LoadCertificates(string path)
    {
        if (!File.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return [X509CertificateLoader.LoadCertificateFromFile(path)];
        }

        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        return all;
    }

    /// <summary>The certificate this machine's service signs with, when it can be found without the host: configured, or the development one.</summary>
    private static (X509Certificate2 Certificate, string Source)? ServiceCertificate()
    {
        var configured = Environment.GetEnvironmentVariable("Signing__CertificatePath");
        var password = Environment.GetEnvironmentVariable("Signing__CertificatePassword");
        var dataDir = Environment.GetEnvironmentVariable("CONSENT_DATA_DIR");
        var path = !string.IsNullOrWhiteSpace(configured) ? configured
            : Path.Combine(string.IsNullOrWhiteSpace(dataDir) ? ".data" : dataDir, RecordSigning.DevelopmentFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        using var withKey = SigningCertificates.Load(path, string.IsNullOrEmpty(password) ? null : password);
        return (X509CertificateLoader.LoadCertificate(withKey.RawData), Path.GetFullPath(path));
    }

    private static int Usage(TextWriter error, string problem)
    {
        error.WriteLine(problem);
        error.WriteLine("Usage: verify-record FILE.pdf [--certificate cert.pem]... [--ca ca.pem]... [--tsa-ca tsa-root.pem]...");
        error.WriteLine("  Checks a consent record's PAdES signature and integrity, and that it was signed by a trusted");
        error.WriteLine("  certificate (GET /api/v1/records/certificate), or one issued by a CA you trust (--ca); its");
        error.WriteLine("  time-stamps (trusted when their TSA chains to --tsa-ca), validation data and PAdES level; and that");
        error.WriteLine("  the event chain it embeds hashes to the chain head it prints. Offline: no database, no network.");
        error.WriteLine("  Exit code 0 only when the record is valid.");
        return 2;
    }
}
