using System.Globalization;
using Consent.Records;

namespace Consent.Web.SignedRecords;

/// <summary>
/// What the offline <c>verify-record</c> command says about a file, line by line: the command prints
/// it, and the public check page (<c>/check</c>) shows the same lines, so the two never tell a
/// different story about the same bytes. Only what the file itself holds is reported.
/// </summary>
/// <param name="Lines">Label and value, in the order printed.</param>
/// <param name="Problems">Why the file is not valid, in plain language (none when it is).</param>
/// <param name="Valid">Intact, signed by a trusted certificate, no problems (<see cref="RecordVerification.IsValid"/>).</param>
public sealed record RecordFileReport(IReadOnlyList<(string Label, string Value)> Lines, IReadOnlyList<string> Problems, bool Valid)
{
    /// <param name="v">The verifier's result for the file.</param>
    /// <param name="file">What the file is called (a path, or "the uploaded file").</param>
    /// <param name="length">Its size in bytes.</param>
    /// <param name="trustedAs">Whose certificates were trusted, e.g. "a certificate you gave"; null when none was given.</param>
    /// <param name="withSession">Whether to name the session the signed part names (the public page leaves it out: it shows nothing about a patient's session).</param>
    public static RecordFileReport Of(RecordVerification v, string file, long length, string? trustedAs, bool withSession)
    {
        ArgumentNullException.ThrowIfNull(v);
        static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "unknown";
        var lines = new List<(string, string)>
        {
            ("Record", $"{file} ({length} bytes)"),
            ("SHA-256", v.FileSha256),
            ("Signature", (!v.HasSignature ? "none" : v.SignatureValid ? "valid" : "NOT valid")
                + (v.HasSignature ? $" ({v.SubFilter ?? "no SubFilter"}), signed {Time(v.SigningTime)}" : "")),
            ("Integrity", !v.IsIntact ? "NOT intact"
                : v.Updates > 0 ? $"intact: the signature covers the record as signed and its digest matches; the {v.Updates} update(s) after it only add evidence"
                : "intact: the signature covers the whole file and its digest matches"),
        };
        if (v.UnsignedBytes > 0)
        {
            lines.Add(("Unsigned", $"{v.UnsignedBytes} bytes after the signed part (an incremental update or appended data); nothing in them is reported"));
        }

        lines.Add(("Certificate", v.Certificate is { } c
            ? $"{c.Subject}, SHA-256 thumbprint {c.ThumbprintSha256}, valid {Time(c.NotBefore)} to {Time(c.NotAfter)}"
            : "not readable"));
        lines.Add(("Trust", v.Trusted ? $"trusted (the signer is {trustedAs})"
            : trustedAs is not null ? "NOT trusted: signed by a different certificate"
            : "NOT trusted: no certificate given (--certificate cert.pem, from GET /api/v1/records/certificate)"));
        if (v.EvidenceLevel is { } level)
        {
            lines.Add(("Evidence", $"PAdES {level}" + level switch
            {
                "B-B" => " (signed; no time-stamp yet proves when)",
                "B-T" => " (a time-stamp proves when it was signed)",
                "B-LT" => " (time-stamped, with the certificates and revocation lists to validate it)",
                _ => " (time-stamped, with validation data, under an archive time-stamp)",
            }
            // A level reached with stamps nobody here vouches for is what the file claims, not what was checked (an outside
            // attack put a look-alike TSA's archive stamp in a record and the level read B-LTA all the same).
            // With TSA roots given, the level counts only trusted stamps; without them (every valid stamp untrusted), it is claimed.
            + (level != "B-B" && v.Timestamps.Any(t => t.Valid) && v.Timestamps.Where(t => t.Valid).All(t => !t.Trusted)
                ? "; reached with time-stamps whose TSA is not trusted here: give its root (--tsa-ca, Signing:TimestampRootsPath) to rely on them"
                : "")));
            foreach (var stamp in v.Timestamps)
            {
                lines.Add(("Time-stamp", $"{(stamp.Kind == "signature" ? "signature time-stamp" : "archive time-stamp")} {Time(stamp.Time)} by {stamp.Tsa ?? "an unknown TSA"}, "
                    + $"{(stamp.Valid ? "valid" : "NOT valid")}, {(stamp.Trusted ? "TSA trusted" : "TSA not trusted here")} ({stamp.Digest})"));
            }

            if (v.ValidationCertificates > 0 || v.ValidationCrls > 0)
            {
                lines.Add(("Validation", $"{v.ValidationCertificates} certificate(s) and {v.ValidationCrls} revocation list(s) embedded, in {v.Updates} update(s) after the signature"));
            }
        }

        foreach (var embedded in v.EmbeddedFiles)
        {
            lines.Add(("Embedded", $"{embedded.Name} ({embedded.MediaType ?? "no type"}, {embedded.Size} bytes, SHA-256 {embedded.Sha256})"));
        }

        if (v.EmbeddedChain is { } chain)
        {
            lines.Add(("Event chain", chain.Verified
                ? $"the embedded {chain.Events} events hash, one after the other, to the chain head the record prints"
                : $"does NOT hold: {chain.Problem}"));
        }

        if (withSession)
        {
            lines.Add(("Session", v.SessionId is { } session
                ? $"{session}, {v.Kind?.ToString() ?? "unknown kind"} record, workflow {v.WorkflowId ?? "?"} version {v.WorkflowVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"} (as the signed part says)"
                : "not named in the signed part of the file"));
        }

        return new RecordFileReport(lines, v.Problems, v.IsValid);
    }

    /// <summary>The result line's value.</summary>
    public string Result => Valid ? "VALID" : "NOT VALID";

    /// <summary>The report as the command prints it: aligned labels, the problems, the result.</summary>
    public void Print(TextWriter o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static string Label(string label) => (label + ":").PadRight(14);
        foreach (var (label, value) in Lines)
        {
            o.WriteLine(Label(label) + value);
        }

        if (Problems.Count > 0)
        {
            o.WriteLine("Problems:");
            foreach (var problem in Problems)
            {
                o.WriteLine($"  - {problem}");
            }
        }

        o.WriteLine(Label("Result") + Result);
    }
}
