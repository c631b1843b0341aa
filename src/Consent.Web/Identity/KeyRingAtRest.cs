using System.Xml.Linq;
using Consent.Web.Data;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// Encrypts, in place, the Data Protection keys that earlier versions stored readable in the database.
/// </summary>
/// <remarks>
/// Keys keep their id and material, so sign-ins, patient tickets and queued invitation links made
/// with them stay valid; only their stored form changes. The element Data Protection marks
/// <c>requiresEncryption="true"</c> (the master key) is replaced by the <c>encryptedSecret</c>
/// element it writes itself for a new key, so the key manager reads both alike. Copies of the
/// database taken before this ran still hold the readable keys: see docs/RELIABILITY.md
/// ("Keys, sign-ins and two-factor") for revoking them.
/// </remarks>
public static class KeyRingAtRest
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    /// <summary>Encrypts every readable key with the current certificate; returns how many it changed.</summary>
    public static async Task<int> EncryptReadableKeysAsync(ConsentDbContext db, KeyEncryption keys, ILoggerFactory logs, CancellationToken ct)
    {
        var encryptor = new CertificateXmlEncryptor(keys.Current, logs);
        var changed = 0;
        foreach (var row in await db.DataProtectionKeys.Where(k => k.Xml != null && !k.Xml.Contains("encryptedSecret")).ToListAsync(ct))
        {
            var key = XElement.Parse(row.Xml!);
            var readable = key.Descendants().Where(e => (bool?)e.Attribute(DataProtection + "requiresEncryption") == true).ToList();
            foreach (var secret in readable)
            {
                var encrypted = encryptor.Encrypt(new XElement(secret));
                secret.ReplaceWith(new XElement(DataProtection + "encryptedSecret",
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                    encrypted.EncryptedElement));
            }

            if (readable.Count > 0)
            {
                row.Xml = key.ToString(SaveOptions.DisableFormatting);
                changed++;
            }
        }

        await db.SaveChangesAsync(ct);
        return changed;
    }
}
