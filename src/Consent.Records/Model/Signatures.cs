namespace Consent.Records;

/// <summary>Who signs a record.</summary>
public enum SignerRole
{
    /// <summary>The patient.</summary>
    Patient,

    /// <summary>The countersigning clinician.</summary>
    Clinician,

    /// <summary>A legally authorized representative, who consented on the patient's behalf (21 CFR 50.27(a)).</summary>
    Representative,

    /// <summary>An impartial witness to the whole discussion (21 CFR 50.27(b)).</summary>
    Witness,

    /// <summary>An interpreter who interpreted the whole session.</summary>
    Interpreter,
}

/// <summary>One signature on the record: who, when, what it means, and how it was made.</summary>
/// <param name="Role">Patient or clinician.</param>
/// <param name="PrintedName">The name typed at signing.</param>
/// <param name="SignedAt">When the signature was made.</param>
/// <param name="Meaning">What the signature means, in the session language.</param>
/// <param name="Method">How it was made, e.g. "typed name and drawn signature", "password re-entry".</param>
public sealed record RecordSignature(SignerRole Role, string PrintedName, DateTimeOffset SignedAt, string Meaning, string Method)
{
    /// <summary>The drawn signature as strokes of points (any coordinate scale, y down); empty for typed-only signatures.</summary>
    public IReadOnlyList<IReadOnlyList<SignaturePoint>> Strokes { get; init; } = [];

    /// <summary>
    /// When the signer typed a name that is not the registered one: the registered name and what became
    /// of the difference (confirmed by the countersigning clinician, or not yet), so the record shows both names.
    /// </summary>
    public string? RegisteredName { get; init; }

    /// <summary>The signer's standing, printed under the signature: a representative's relationship and authority, an interpreter's language, mode and qualification.</summary>
    public string? Details { get; init; }

    /// <summary>For the patient when a representative consented: true, and the signature is the patient's assent.</summary>
    public bool Assent { get; init; }
}

/// <summary>A point of a drawn signature stroke.</summary>
public readonly record struct SignaturePoint(double X, double Y);

/// <summary>How a session ended without consent, or why consent was withdrawn.</summary>
/// <param name="Text">The outcome as shown to the patient (e.g. the referral message).</param>
/// <param name="Reason">The reason given, if any.</param>
/// <param name="At">When it happened.</param>
public sealed record RecordOutcome(string Text, string? Reason, DateTimeOffset At);

/// <summary>The original consent record that a withdrawal withdraws.</summary>
/// <param name="SessionId">The session of the original record.</param>
/// <param name="RecordSha256">SHA-256 (hex) of the original signed PDF.</param>
public sealed record WithdrawnRecord(Guid SessionId, string RecordSha256);

/// <summary>The earlier consent record a re-consent replaces.</summary>
/// <param name="SessionId">The session of the earlier record.</param>
/// <param name="RecordSha256">SHA-256 (hex) of the earlier signed PDF.</param>
/// <param name="Version">The workflow version signed then.</param>
/// <param name="SignedAt">When it was signed (countersigned).</param>
public sealed record SupersededRecord(Guid SessionId, string RecordSha256, int Version, DateTimeOffset SignedAt);
