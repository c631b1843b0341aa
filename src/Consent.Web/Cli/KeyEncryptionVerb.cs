using System.Security.Cryptography.X509Certificates;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;

namespace Consent.Web.Cli;

/// <summary><c>create-key-encryption-certificate FILE.pfx [--subject NAME]</c>: a certificate for encrypting the Data Protection key ring, for operators.</summary>
public static class KeyEncryptionVerb
{
    /// <summary>Exit code 0 when written, 1 when the file exists (it is never replaced), 2 for bad usage.</summary>
    public static int Create(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CertificateFileArguments.Parse(args, "create-key-encryption-certificate", "Consent data protection keys", error) is not { } arguments)
        {
            return 2;
        }

        if (File.Exists(arguments.File))
        {
            error.WriteLine($"{arguments.File} already exists; it was not replaced (the key ring encrypted with it must stay readable).");
            return 1;
        }

        var password = Environment.GetEnvironmentVariable("DataProtection__CertificatePassword") is { Length: > 0 } p ? p : null;
        if (!PrivateFiles.WriteNew(arguments.File, KeyEncryption.Create(arguments.Subject, password)))
        {
            error.WriteLine($"{arguments.File} was created by another process meanwhile; it was not replaced.");
            return 1;
        }

        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(arguments.File, password);
        output.WriteLine($"Wrote {arguments.File}: self-signed RSA 3072, {certificate.Subject}.");
        output.WriteLine("Keep it outside the database and its backups; without it the key ring cannot be read.");
        output.WriteLine($"Use it with DataProtection__CertificatePath={Path.GetFullPath(arguments.File)}{(password is null ? "" : " and the same DataProtection__CertificatePassword")}.");
        return 0;
    }
}
