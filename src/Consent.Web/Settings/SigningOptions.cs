namespace Consent.Web.Settings;

/// <summary>The record-signing certificate and earlier ones still trusted (section <c>Signing</c>).</summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>PKCS#12 file; required outside Development.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>PEM file of earlier signing certificates whose records stay trusted after a rotation.</summary>
    public string? PreviousCertificatesPath { get; set; }
}
