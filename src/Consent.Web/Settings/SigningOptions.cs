namespace Consent.Web.Settings;

/// <summary>
/// The record-signing certificate, earlier ones still trusted, and the evidence added to records and chain
/// checkpoints: RFC 3161 timestamps and long-term validation data (section <c>Signing</c>). See docs/evidence.md.
/// </summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>PKCS#12 file; required outside Development. Issuing CA certificates in the same file are embedded in records as their chain.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>PEM file of earlier signing certificates whose records stay trusted after a rotation.</summary>
    public string? PreviousCertificatesPath { get; set; }

    /// <summary>
    /// The RFC 3161 time-stamping authority (HTTP or HTTPS). Unset: records are PAdES B-B and checkpoints are not
    /// timestamped. Set: every record signature gets a signature time-stamp (B-T), validation data (B-LT) and a
    /// document time-stamp (B-LTA); while the TSA is down records are still issued and upgraded when it answers.
    /// </summary>
    public string? TimestampUrl { get; set; }

    /// <summary>HTTP Basic user name for the TSA, when it asks for one.</summary>
    public string? TimestampUser { get; set; }

    /// <summary>HTTP Basic password for the TSA.</summary>
    public string? TimestampPassword { get; set; }

    /// <summary>Seconds one TSA (or CRL) request may take before it counts as down (default 10).</summary>
    public double TimestampTimeoutSeconds { get; set; } = 10;

    /// <summary>PEM file of the root certificates a timestamp's TSA certificate must chain to, for it to be trusted.</summary>
    public string? TimestampRootsPath { get; set; }

    /// <summary>PEM file of root certificates a signing certificate may chain to (besides the pinned service certificates).</summary>
    public string? TrustedRootsPath { get; set; }
}
