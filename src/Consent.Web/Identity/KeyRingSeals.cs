using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Consent.Web.Identity;

/// <summary>
/// Seals every element of the Data Protection key ring the service stores, and checks the seal and
/// the encryption of every element it reads back, so that a key planted or replaced in
/// <c>data_protection_keys</c> is never used.
/// </summary>
/// <remarks>
/// <para>The runtime role may write that table. An outside attack inserted a key whose secret it
/// knew and, after a restart, signed in as any account with bearer tokens minted from it. Refusing
/// readable keys is not enough: the key-encryption certificate is public, so anyone can encrypt a
/// key of their own to it. So each stored element carries an HMAC-SHA256 seal (RFC 2104) over its
/// exact XML, under a key derived from the certificate's private key (<see cref="CertificateKeys"/>),
/// in the attribute <see cref="Attribute"/> of its root as <c>keyId:hex</c>.</para>
/// <para>A key is also refused when its secret is not encrypted to a configured certificate, even
/// if sealed: the seal says who wrote it, the encryption keeps it from the database's readers.</para>
/// </remarks>
public sealed class KeyRingSeals(KeyEncryption certificates)
{
    /// <summary>The root attribute holding the seal; stripped before Data Protection sees the element.</summary>
    public const string Attribute = "consentSeal";

    private const string Label = "Consent key ring seal v1";

    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    private readonly CertificateMac mac = new(certificates, Label);

    /// <summary>The element as it is stored: its XML with a seal made by the current certificate's key.</summary>
    public string Seal(XElement element)
    {
        var content = element.ToString(SaveOptions.DisableFormatting);
        var stored = XElement.Parse(content);
        stored.SetAttributeValue(Attribute, mac.Seal(content));
        return stored.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>What the stored row's seal says, and the element without its seal (for <see cref="SealState.Missing"/>, as stored).</summary>
    public (SealState State, XElement? Element) Check(string? xml)
    {
        XElement element;
        try
        {
            element = XElement.Parse(xml ?? "");
        }
        catch (XmlException)
        {
            return (SealState.NotXml, null);
        }

        if (element.Attribute(Attribute) is not { } seal)
        {
            return (SealState.Missing, element);
        }

        seal.Remove();
        return (mac.Check(seal.Value, element.ToString(SaveOptions.DisableFormatting)), element);
    }

    /// <summary>Why a row is refused, for the log and the command's output (for <see cref="SealState.Holds"/>: a readable secret).</summary>
    public static string Why(SealState state) => state switch
    {
        SealState.NotXml => "it is not XML",
        SealState.Missing => "it carries no seal, so this service did not write it: a key an earlier version stored (run 'encrypt-key-ring' once after the upgrade) or one planted in the database",
        SealState.UnknownKey => "it is sealed with a key this service does not hold (configure the earlier key-encryption certificate as DataProtection__PreviousCertificatePath)",
        SealState.Mismatch => "its seal does not match it: it was written or changed outside this service",
        _ => "its secret is not encrypted under the key-encryption certificate", // sealed, yet readable
    };

    /// <summary>
    /// A key whose secret is not all under <c>encryptedSecret</c> elements that the certificate
    /// decryptor opens: a readable <c>requiresEncryption</c> element, or a decryptor chosen by the
    /// writer (the XML names the decryptor type, and some only unwrap readable XML).
    /// </summary>
    public static bool IsReadableKey(XElement element) =>
        element.Name.LocalName == "key"
        && (element.Descendants().Any(e => (bool?)e.Attribute(DataProtection + "requiresEncryption") == true)
            || !element.Descendants(DataProtection + "encryptedSecret").Any()
            || element.Descendants(DataProtection + "encryptedSecret").Any(e =>
                !((string?)e.Attribute("decryptorType") ?? "").StartsWith(typeof(EncryptedXmlDecryptor).FullName + ",", StringComparison.Ordinal)));
}

/// <summary>What a stored key-ring row's seal says.</summary>
public enum SealState
{
    /// <summary>Sealed by one of the configured certificates' keys, over exactly what is stored.</summary>
    Holds,

    /// <summary>No seal: written by an earlier version, or by someone else.</summary>
    Missing,

    /// <summary>A seal that does not match: changed outside the service.</summary>
    Mismatch,

    /// <summary>Sealed with a key of a certificate that is not configured.</summary>
    UnknownKey,

    NotXml,

    /// <summary>A seal that holds but is not the latest the service gave (a staff account's earlier state written back).</summary>
    Superseded,
}
