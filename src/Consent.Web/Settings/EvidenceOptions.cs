namespace Consent.Web.Settings;

/// <summary>
/// The records' long-term evidence job (section <c>Evidence</c>, SignedRecords/RecordEvidenceJob.cs): it upgrades records
/// issued while the TSA was down (or before one was configured) to PAdES B-LTA, and renews archive time-stamps.
/// Needs <c>Signing:TimestampUrl</c>; without a TSA it does nothing. See docs/evidence.md.
/// </summary>
public sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>Minutes between runs (default 5); 0 turns the job off on this node.</summary>
    public double IntervalMinutes { get; set; } = 5;

    /// <summary>Seconds after start-up before the first run.</summary>
    public double FirstRunAfterSeconds { get; set; } = 20;

    /// <summary>Records looked at in one run at most (default 100); the rest wait for the next run.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Days before the last time-stamp's TSA certificate expires when a new archive time-stamp is added over it
    /// (default 365): the evidence is renewed while the old time-stamp can still be validated.
    /// </summary>
    public double RenewBeforeDays { get; set; } = 365;

    /// <summary>
    /// Digest algorithms (OIDs) no longer trusted: a record whose last time-stamp uses one gets a new archive time-stamp
    /// (default SHA-1 1.3.14.3.2.26 and MD5 1.2.840.113549.2.5). Add SHA-256 (2.16.840.1.101.3.4.2.1) here on the day it is
    /// deprecated, and every record is re-stamped with the TSA's current algorithm.
    /// </summary>
    public List<string> DeprecatedDigests { get; set; } = ["1.3.14.3.2.26", "1.2.840.113549.2.5"];
}
