namespace Consent.Records;

/// <summary>What <see cref="RecordVerifier"/> found out about a PDF: each check, what it names, and problems in plain language.</summary>
public sealed record RecordVerification
{
    /// <summary>The file starts like a PDF.</summary>
    public bool IsPdf { get; init; }

    /// <summary>The file carries a signature (a /ByteRange and /Contents pair).</summary>
    public bool HasSignature { get; init; }

    /// <summary>The signature's /SubFilter, e.g. <c>ETSI.CAdES.detached</c>.</summary>
    public string? SubFilter { get; init; }

    /// <summary>
    /// The signed byte ranges cover the whole file except the signature value itself, or the whole first revision when
    /// every later update only adds long-term evidence (a DSS, document time-stamps).
    /// </summary>
    public bool CoversWholeFile { get; init; }

    /// <summary>
    /// Bytes after the end of what the signature covers (an incremental update, or anything appended);
    /// zero for an intact record. Nothing in them is reported: the session, kind and workflow come from the signed part only.
    /// </summary>
    public long UnsignedBytes { get; init; }

    /// <summary>The digest of the signed bytes matches the one inside the signature.</summary>
    public bool DigestMatches { get; init; }

    /// <summary>The CMS signature verifies with the signer certificate's public key.</summary>
    public bool SignatureValid { get; init; }

    /// <summary>The certificate that made the signature, when it could be read.</summary>
    public SignerCertificate? Certificate { get; init; }

    /// <summary>The signer certificate is the certificate the caller trusts.</summary>
    public bool Trusted { get; init; }

    /// <summary>The signing time written in the signature dictionary (/M).</summary>
    public DateTimeOffset? SigningTime { get; init; }

    /// <summary>The session the record says it belongs to (document information /ConsentSessionId, in the signed part of the file).</summary>
    public Guid? SessionId { get; init; }

    /// <summary>The record kind the document says it is (/ConsentRecordKind).</summary>
    public RecordKind? Kind { get; init; }

    /// <summary>The workflow id the record names (/ConsentWorkflowId).</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The workflow version the record names (/ConsentWorkflowVersion).</summary>
    public int? WorkflowVersion { get; init; }

    /// <summary>
    /// The sequence number of the last event of the session's chain the record covers
    /// (/ConsentChainSeq); null for records issued before records carried it.
    /// </summary>
    public long? ChainSequence { get; init; }

    /// <summary>The hash of that event (/ConsentChainHash, lowercase hex); null when the record does not name one.</summary>
    public string? ChainHash { get; init; }

    /// <summary>
    /// The PAdES baseline level the record's evidence reaches (ETSI EN 319 142-1, clause 6): "B-B" (signed), "B-T"
    /// (a valid time-stamp proves when), "B-LT" (the file holds the certificates and CRLs to validate the signature and
    /// that time-stamp), "B-LTA" (a document time-stamp covers those). Null when the signature itself is not intact.
    /// </summary>
    public string? EvidenceLevel { get; init; }

    /// <summary>The RFC 3161 time-stamps found, the signature time-stamp first, then each document time-stamp in order.</summary>
    public IReadOnlyList<RecordTimestamp> Timestamps { get; init; } = [];

    /// <summary>Certificates in the document security store (DSS).</summary>
    public int ValidationCertificates { get; init; }

    /// <summary>CRLs in the document security store.</summary>
    public int ValidationCrls { get; init; }

    /// <summary>Incremental updates after the record's own revision (each adding validation data or a document time-stamp).</summary>
    public int Updates { get; init; }

    /// <summary>The files embedded in the signed record (its event chain, FHIR bundle, certificates), read from the signed revision.</summary>
    public IReadOnlyList<RecordEmbeddedFile> EmbeddedFiles { get; init; } = [];

    /// <summary>The embedded event chain checked against the chain head the signed record prints; null when none is embedded.</summary>
    public EmbeddedChainCheck? EmbeddedChain { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the whole file as given.</summary>
    public required string FileSha256 { get; init; }

    /// <summary>Everything that is wrong, in plain language; empty when the record is intact and trusted.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Signed, unchanged since signing, and signed correctly (whoever signed it).</summary>
    public bool IsIntact => IsPdf && HasSignature && CoversWholeFile && DigestMatches && SignatureValid;

    /// <summary>Intact and signed by the trusted certificate, with nothing else wrong.</summary>
    public bool IsValid => IsIntact && Trusted && Problems.Count == 0;
}

/// <summary>What a verifier trusts besides the pinned signing certificates.</summary>
public sealed record RecordTrust
{
    /// <summary>Roots a time-stamp's TSA certificate must chain to for the time-stamp to be trusted.</summary>
    public IReadOnlyCollection<System.Security.Cryptography.X509Certificates.X509Certificate2> TimestampRoots { get; init; } = [];

    /// <summary>
    /// Roots a signing certificate may chain to for the record to count as trusted (an auditor who trusts a clinic's CA,
    /// e.g. <c>verify-record --ca</c>). The service itself trusts only its own pinned certificates.
    /// </summary>
    public IReadOnlyCollection<System.Security.Cryptography.X509Certificates.X509Certificate2> SignerRoots { get; init; } = [];
}

/// <summary>The signer's certificate as a verifier reports it.</summary>
/// <param name="Subject">Distinguished name of the subject.</param>
/// <param name="ThumbprintSha256">SHA-256 of the DER certificate, uppercase hex.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
public sealed record SignerCertificate(string Subject, string ThumbprintSha256, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

/// <summary>One RFC 3161 time-stamp in a record, as the verifier found it.</summary>
/// <param name="Kind">"signature" (in the record signature's unsigned attributes) or "document" (an archive time-stamp, /ETSI.RFC3161).</param>
/// <param name="Time">The TSA's genTime.</param>
/// <param name="Tsa">The TSA certificate's subject.</param>
/// <param name="Valid">The token verifies over what it covers.</param>
/// <param name="Trusted">The TSA certificate chains to a configured time-stamping root.</param>
/// <param name="Revision">The update it was added in (0: inside the record's own signature).</param>
/// <param name="Digest">The digest algorithm of its message imprint.</param>
/// <param name="TsaCertificateExpires">When the TSA certificate expires: the archive time-stamp is renewed before then.</param>
public sealed record RecordTimestamp(string Kind, DateTimeOffset Time, string? Tsa, bool Valid, bool Trusted, int Revision, string Digest, DateTimeOffset? TsaCertificateExpires);

/// <summary>A file embedded in a record.</summary>
/// <param name="Name">Its file name.</param>
/// <param name="MediaType">Its MIME type (/Subtype).</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">SHA-256 of its content, lowercase hex.</param>
/// <param name="Relationship">Its PDF/A-3 /AFRelationship.</param>
public sealed record RecordEmbeddedFile(string Name, string? MediaType, int Size, string Sha256, string? Relationship);

/// <summary>The embedded event chain: whether it hashes, event by event, to the chain head the signed record prints.</summary>
/// <param name="Verified">Every event follows the one before and the last is the printed head.</param>
/// <param name="Events">Events embedded.</param>
/// <param name="Problem">What does not hold, when something does not.</param>
public sealed record EmbeddedChainCheck(bool Verified, int Events, string? Problem);
