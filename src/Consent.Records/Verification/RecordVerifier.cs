using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Consent.Records.Document;
using Consent.Records.Signing;
using Consent.Records.Verification;

namespace Consent.Records;

/// <summary>
/// Checks a record PDF without trusting it: signature, integrity, signer certificate, and which
/// session it claims to belong to. Never throws on bad input; every failure is a result.
/// </summary>
public static class RecordVerifier
{
    /// <summary>Files larger than this are refused (records are well under a megabyte).</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>The SubFilter of a PAdES baseline signature.</summary>
    public const string PadesSubFilter = "ETSI.CAdES.detached";

    /// <summary>
    /// The largest signature value read. A record's is under 2 KB (one signer, one certificate); with room
    /// for an RFC 3161 timestamp token and its certificates, 64 KB is ample. An outside review sent a
    /// signature stuffed with 19,000 certificates: seconds of processor time per check on a public page.
    /// </summary>
    public const int MaxSignatureBytes = 64 * 1024;

    /// <summary>The most certificates a signature may carry: the signer's, and a few for a timestamp's chain.</summary>
    public const int MaxCertificates = 4;

    /// <summary>Verifies <paramref name="pdf"/>; trusted only when signed by <paramref name="trustedCertificate"/>.</summary>
    public static RecordVerification Verify(ReadOnlyMemory<byte> pdf, X509Certificate2? trustedCertificate) =>
        VerifyWithAny(pdf, trustedCertificate is null ? [] : [trustedCertificate]);

    /// <summary>Verifies <paramref name="pdf"/>; trusted when signed by any of <paramref name="trustedCertificates"/> (e.g. the current and earlier service certificates).</summary>
    public static RecordVerification VerifyWithAny(ReadOnlyMemory<byte> pdf, IReadOnlyCollection<X509Certificate2> trustedCertificates) =>
        VerifyWithAny(pdf, trustedCertificates, new RecordTrust());

    /// <summary>
    /// Verifies <paramref name="pdf"/>, its signature and its long-term evidence: time-stamps are trusted when their TSA
    /// chains to <see cref="RecordTrust.TimestampRoots"/>; the level reached (B-B to B-LTA) is in <see cref="RecordVerification.EvidenceLevel"/>.
    /// </summary>
    public static RecordVerification VerifyWithAny(ReadOnlyMemory<byte> pdf, IReadOnlyCollection<X509Certificate2> trustedCertificates, RecordTrust trust)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(trustedCertificates);
        var fileSha256 = Convert.ToHexStringLower(SHA256.HashData(pdf.Span));
        if (pdf.Length > MaxBytes)
        {
            return new RecordVerification
            {
                FileSha256 = fileSha256,
                Problems = [$"The file is {pdf.Length / (1024 * 1024)} MiB; a consent record is never larger than {MaxBytes / (1024 * 1024)} MiB."],
            };
        }

        try
        {
            return Check(pdf.ToArray(), trustedCertificates, trust, fileSha256);
        }
#pragma warning disable CA1031 // A verifier reports, it never throws: anything unexpected becomes a problem in the result.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new RecordVerification { FileSha256 = fileSha256, Problems = [$"The file could not be checked ({e.GetType().Name})."] };
        }
    }

    static RecordVerification Check(byte[] pdf, IReadOnlyCollection<X509Certificate2> trusted, RecordTrust trust, string fileSha256)
    {
        var problems = new List<string>();
        var isPdf = pdf.AsSpan(0, Math.Min(pdf.Length, 1024)).IndexOf("%PDF-"u8) >= 0;
        if (!isPdf)
        {
            return new RecordVerification { FileSha256 = fileSha256, Problems = ["The file is not a PDF."] };
        }

        // A record with long-term evidence has updates after its signature (validation data, document time-stamps):
        // its own signature signs the first revision. A file whose structure cannot be read is checked as one revision.
        PadesStructure? structure;
        try
        {
            structure = PadesStructure.Read(pdf);
        }
        catch (FormatException e)
        {
            structure = null;
            // Said, so a refused structure (an object listed twice, more validation data than a record holds) is not silent.
            problems.Add($"The file's structure cannot be read as a record's: {e.Message}");
        }

        var limit = structure?.Revisions0End() ?? pdf.Length;
        var scan = new PdfSignatureScan(pdf, limit);
        problems.AddRange(scan.Problems);
        if (scan.ByteRange is null)
        {
            problems.Add(scan.Problems.Count == 0 ? "The file is not signed." : "The signature cannot be read.");
            return new RecordVerification { IsPdf = true, FileSha256 = fileSha256, Problems = problems };
        }

        // What the record says (session, kind, workflow) is read from the bytes the signature covers and
        // nowhere else: an incremental update appended after signing can redefine the document information.
        var signed = SignedPart(pdf, scan.ByteRange);
        var info = signed is null ? new RecordVerification { FileSha256 = "" } : ReadInfo(signed, problems);
        var range = scan.ByteRange;
        var result = info with
        {
            IsPdf = true, FileSha256 = fileSha256, SubFilter = scan.SubFilter, SigningTime = scan.SigningTime, HasSignature = true,
            UnsignedBytes = Math.Max(0, limit - (range[2] + range[3])) + (limit < pdf.Length && structure is null ? pdf.Length - limit : 0),
        };
        if (scan.SubFilter != PadesSubFilter)
        {
            problems.Add($"The signature is not a PAdES signature (SubFilter {scan.SubFilter ?? "missing"}, expected {PadesSubFilter}).");
        }

        var covers = scan.ContentsHole is { } hole && range[0] == 0 && range[1] == hole.Start && range[2] == hole.End
            && range[2] + range[3] == limit;
        if (!covers)
        {
            problems.Add(result.UnsignedBytes > 0
                ? $"The file was changed after it was signed: {result.UnsignedBytes} bytes were appended after the signed part "
                    + "(an incremental update or other data). It is not the record as signed; what it names is read from the signed part only."
                : "The signature does not cover the whole file.");
        }

        result = result with { CoversWholeFile = covers };
        if (scan.Contents is null || scan.ContentsHole is null || signed is null)
        {
            return result with { Problems = problems };
        }

        result = CheckCms(result, signed, scan.Contents, trusted, trust.SignerRoots, problems, out var signer);
        if (structure is not null && result.IsIntact)
        {
            // What the record carries, from the revision its signature covers.
            var embedded = EmbeddedFileCheck.Read(structure);
            var chainFile = embedded.FirstOrDefault(e => e.File.Name == RecordAttachment.EventChainName);
            var chainCheck = chainFile.Content is null ? null : EmbeddedFileCheck.CheckChain(chainFile.Content, result.ChainSequence, result.ChainHash);
            if (chainCheck is { Verified: false })
            {
                result = result with { Problems = [.. result.Problems, $"The embedded event chain does not hold: {chainCheck.Problem}."] };
            }

            result = result with { EmbeddedFiles = [.. embedded.Select(e => e.File)], EmbeddedChain = chainCheck };
        }

        if (structure is null || signer is null || !result.IsIntact)
        {
            return result;
        }

        // The evidence after the signature: what each later update did, the time-stamps, the level reached.
        var evidence = EvidenceCheck.Assess(structure, signer, signer.Certificate, trust.TimestampRoots, [.. trusted, .. trust.SignerRoots]);
        var all = new List<string>(result.Problems);
        all.AddRange(evidence.Problems);
        return result with
        {
            EvidenceLevel = evidence.Level,
            Timestamps = evidence.Timestamps,
            ValidationCertificates = evidence.DssCertificates,
            ValidationCrls = evidence.DssCrls,
            Updates = evidence.Revisions - 1,
            UnsignedBytes = evidence.UnvouchedBytes,
            CoversWholeFile = evidence.UnvouchedBytes == 0,
            Problems = all,
        };
    }

    /// <summary>The bytes the signature covers (both ranges, without the signature value), or null when the ranges do not lie in the file.</summary>
    static byte[]? SignedPart(byte[] pdf, long[] range)
    {
        if (!InFile(range, pdf.Length))
        {
            return null;
        }

        var signed = new byte[range[1] + range[3]];
        pdf.AsSpan(0, (int)range[1]).CopyTo(signed);
        pdf.AsSpan((int)range[2], (int)range[3]).CopyTo(signed.AsSpan((int)range[1]));
        return signed;
    }

    static bool InFile(long[] range, int length) =>
        range[0] == 0 && range[1] >= 0 && range[2] >= range[1] && range[3] >= 0 && range[2] + range[3] <= length;

    static RecordVerification CheckCms(RecordVerification result, byte[] signed, byte[] contents, IReadOnlyCollection<X509Certificate2> trusted,
        IReadOnlyCollection<X509Certificate2> roots, List<string> problems, out SignerInfo? signerInfo)
    {
        signerInfo = null;
        SignedCms cms;
        try
        {
            // The hex string is padded with zeros after the DER object; decode exactly one object.
            AsnDecoder.ReadEncodedValue(contents, AsnEncodingRules.BER, out _, out _, out var length);
            if (length > MaxSignatureBytes)
            {
                problems.Add($"The signature value is {length} bytes, larger than any record's ({MaxSignatureBytes} at most): it was not read.");
                return result with { Problems = problems };
            }

            cms = new SignedCms(new ContentInfo(signed), detached: true);
            cms.Decode(contents.AsSpan(0, length));
            if (cms.Certificates.Count > MaxCertificates)
            {
                problems.Add($"The signature carries {cms.Certificates.Count} certificates; a record's carries at most {MaxCertificates}: it was not checked further.");
                return result with { Problems = problems };
            }

            // The padding is outside what the signature covers, so it must be exactly what the signer
            // wrote, zeros: otherwise anyone can change (or hide data in) the file without touching the signature.
            if (contents.AsSpan(length).ContainsAnyExcept((byte)0))
            {
                problems.Add("The signature value's padding after the signature is not all zeros: the file was changed after signing, outside the signed bytes.");
            }
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException)
        {
            problems.Add("The signature value is not a readable CMS signature.");
            return result with { Problems = problems };
        }

        if (cms.SignerInfos.Count != 1)
        {
            problems.Add($"The signature has {cms.SignerInfos.Count} signers; a record has exactly one.");
            return result with { Problems = problems };
        }

        var signer = cms.SignerInfos[0];
        signerInfo = signer;
        var certificate = signer.Certificate;
        var digestMatches = DigestMatches(signer, signed);
        if (!digestMatches)
        {
            problems.Add("The file's content does not match the signed digest: it was changed after signing.");
        }

        var valid = false;
        if (certificate is null)
        {
            problems.Add("The signature does not include the signer's certificate.");
        }
        else
        {
            try
            {
                signer.CheckSignature(new X509Certificate2Collection(), verifySignatureOnly: true);
                valid = true;
            }
            catch (CryptographicException)
            {
                problems.Add("The signature does not verify with the signer's certificate.");
            }

            if (!SigningCertificateMatches(signer, certificate))
            {
                problems.Add("The signature lacks a signing-certificate-v2 attribute naming its certificate (required by PAdES).");
            }
        }

        // Trusted: the signer is a pinned certificate, or its chain leads to a trusted root (a CA-issued certificate) at the signing time.
        var trustedMatch = certificate is not null && (trusted.Any(t => certificate.RawData.AsSpan().SequenceEqual(t.RawData))
            || (roots.Count > 0 && ChainsTo(certificate, cms.Certificates, roots, result.SigningTime)));
        if (!trustedMatch && trusted.Count == 0 && roots.Count == 0)
        {
            problems.Add("No trusted certificate was given, so who signed the record cannot be confirmed.");
        }
        else if (!trustedMatch && certificate is not null)
        {
            problems.Add(trusted.Count == 0
                ? $"The record's certificate ({certificate.Subject}) does not chain to a trusted root."
                : $"The record was signed by a different certificate ({certificate.Subject}) than the trusted one.");
        }

        if (certificate is not null && result.SigningTime is { } at
            && (at.UtcDateTime < certificate.NotBefore.ToUniversalTime() || at.UtcDateTime > certificate.NotAfter.ToUniversalTime()))
        {
            problems.Add("The signing time lies outside the signer certificate's validity period.");
        }

        return result with
        {
            DigestMatches = digestMatches,
            SignatureValid = valid && digestMatches,
            Certificate = certificate is null ? null : new SignerCertificate(
                certificate.Subject,
                certificate.GetCertHashString(HashAlgorithmName.SHA256),
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero)),
            Trusted = trustedMatch,
            Problems = problems,
        };
    }

    static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection extra, IReadOnlyCollection<X509Certificate2> roots, DateTimeOffset? at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // revocation: the CRLs the record embeds (EvidenceCheck)
        chain.ChainPolicy.VerificationTime = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        return chain.Build(certificate);
    }

    static bool DigestMatches(SignerInfo signer, byte[] signed)
    {
        var expected = signer.SignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == "1.2.840.113549.1.9.4")
            .SelectMany(a => a.Values.Cast<AsnEncodedData>())
            .Select(v => AsnDecoder.ReadOctetString(v.RawData, AsnEncodingRules.DER, out _))
            .FirstOrDefault();
        byte[]? actual = signer.DigestAlgorithm.Value switch
        {
            "2.16.840.1.101.3.4.2.1" => SHA256.HashData(signed),
            "2.16.840.1.101.3.4.2.2" => SHA384.HashData(signed),
            "2.16.840.1.101.3.4.2.3" => SHA512.HashData(signed),
            _ => null,
        };
        return expected is not null && actual is not null && expected.AsSpan().SequenceEqual(actual);
    }

    static bool SigningCertificateMatches(SignerInfo signer, X509Certificate2 certificate)
    {
        var hash = SHA256.HashData(certificate.RawData);
        return signer.SignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == SigningCertificateV2.Oid)
            .SelectMany(a => a.Values.Cast<AsnEncodedData>())
            .Any(v => SigningCertificateV2.ReadCertificateHashes(v.RawData).Any(h => h.AsSpan().SequenceEqual(hash)));
    }

    static RecordVerification ReadInfo(byte[] pdf, List<string> problems)
    {
        var span = pdf.AsSpan();
        var session = PdfInfoStrings.ReadString(span, Key(RecordInfo.SessionIdKey));
        var kind = PdfInfoStrings.ReadString(span, Key(RecordInfo.RecordKindKey));
        var version = PdfInfoStrings.ReadString(span, Key(RecordInfo.WorkflowVersionKey));
        if (session is null)
        {
            problems.Add("The file does not name a consent session; it may not be a record from this service.");
        }

        var (chainSeq, chainHash) = ReadChainHead(span, problems);
        return new RecordVerification
        {
            FileSha256 = "",
            SessionId = Guid.TryParse(session, out var id) ? id : null,
            Kind = Enum.TryParse<RecordKind>(kind, ignoreCase: false, out var k) && Enum.IsDefined(k) ? k : null,
            WorkflowId = PdfInfoStrings.ReadString(span, Key(RecordInfo.WorkflowIdKey)),
            WorkflowVersion = int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null,
            ChainSequence = chainSeq,
            ChainHash = chainHash,
        };
    }

    /// <summary>
    /// The chain head a record names (the last event it covers), read without checking the
    /// signature: for showing a record that has been verified already. Both absent when the file names none.
    /// </summary>
    public static (long? Seq, string? Hash) ChainHead(ReadOnlySpan<byte> pdf) => ReadChainHead(pdf, []);

    /// <summary>The chain head the record covers; both absent in records issued before it was signed in.</summary>
    static (long? Seq, string? Hash) ReadChainHead(ReadOnlySpan<byte> span, List<string> problems)
    {
        var seqText = PdfInfoStrings.ReadString(span, Key(RecordInfo.ChainSeqKey));
        var hash = PdfInfoStrings.ReadString(span, Key(RecordInfo.ChainHashKey));
        if (seqText is null && hash is null)
        {
            return (null, null);
        }

        if (long.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            && hash is { Length: 64 } && hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return (seq, hash);
        }

        problems.Add("The record's chain head (/ConsentChainSeq, /ConsentChainHash) is unreadable.");
        return (null, null);
    }

    static byte[] Key(string key) => System.Text.Encoding.ASCII.GetBytes(key);
}
