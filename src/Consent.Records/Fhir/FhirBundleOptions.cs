namespace Consent.Records;

/// <summary>Identifiers the FHIR export uses; defaults are URNs so bundles stand on their own.</summary>
public sealed record FhirBundleOptions
{
    /// <summary>Defaults.</summary>
    public static FhirBundleOptions Default { get; } = new();

    /// <summary>The identifier system of the clinic's medical record numbers.</summary>
    public string MedicalRecordNumberSystem { get; init; } = "urn:consent:mrn";

    /// <summary>The identifier system of consent session ids.</summary>
    public string SessionIdSystem { get; init; } = "urn:consent:session";

    /// <summary>
    /// Base of the policy URI naming the workflow version; the bundle uses
    /// <c>{base}{id}/v{version}#sha256={hash}</c>.
    /// </summary>
    public string WorkflowPolicyBase { get; init; } = "urn:consent:workflow:";

    /// <summary>
    /// What became of a consent record since it was issued, as the service computes it now (superseded, withdrawn,
    /// expired): <c>Consent.status</c> then says <c>inactive</c> instead of <c>active</c>. Null: as issued.
    /// </summary>
    public bool? ConsentInForce { get; init; }

    /// <summary>
    /// The bundle is embedded in the record PDF itself: the Consent's (or DocumentReference's) attachment then names the
    /// PDF by type and title only, without its bytes and SHA-1, which would have to contain themselves.
    /// </summary>
    public bool EmbeddedInRecord { get; init; }

    /// <summary>When the consent's validity ends, for <c>Consent.provision.period.end</c>; null when it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
