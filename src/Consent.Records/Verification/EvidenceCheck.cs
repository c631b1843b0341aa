using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Consent.Records.Signing;

namespace Consent.Records.Verification;

/// <summary>
/// What a record's long-term evidence is worth: each revision appended after the record's signature may only add
/// validation data (a DSS) or a document time-stamp (ETSI EN 319 142-1, 5.4; anything else, such as a page or the
/// document information redefined, is a change after signing); each time-stamp must verify over what it covers
/// (RFC 3161, 2.4.2; its TSA's certificate identified by ESSCertID or ESSCertIDv2, RFC 5816); and the level reached
/// follows ETSI EN 319 142-1, clause 6: B-B, B-T (a signature or document time-stamp), B-LT (the DSS holds the
/// signer's and the TSA's chains with CRLs), B-LTA (a document time-stamp covers that DSS).
/// </summary>
static class EvidenceCheck
{
    /// <summary>An evidence update defines a few objects (a DSS and its streams, a time-stamp and its field); more is not evidence.</summary>
    const int MaxObjectsPerUpdate = 1_000;

    /// <summary>Document time-stamps checked at most: a record gains one every few years.</summary>
    const int MaxDocumentTimestamps = 16;

    public sealed record Result(
        string Level, IReadOnlyList<RecordTimestamp> Timestamps, int DssCertificates, int DssCrls, long UnvouchedBytes, int Revisions, List<string> Problems);

    public static Result Assess(PadesStructure structure, SignerInfo recordSigner, X509Certificate2? signerCertificate,
        IReadOnlyCollection<X509Certificate2> timestampRoots, IReadOnlyCollection<X509Certificate2> signerRoots)
    {
        var problems = new List<string>();
        var file = structure.File;
        var dssCertificates = structure.DssCertificates.Select(c => Load(c.Der)).OfType<X509Certificate2>().ToList();
        var crls = structure.DssCrls.Select(c => RevocationList.Read(c.Der)).OfType<RevocationList>().ToList();
        var timestamps = new List<RecordTimestamp>();
        var tsaCertificates = new List<(RecordTimestamp Stamp, X509Certificate2 Tsa, List<X509Certificate2> Pool)>();

        // The signature time-stamp: over the record signature's value (RFC 3161 appendix A).
        var signatureTimestamp = SignatureTimestamp(recordSigner);
        if (signatureTimestamp is { } token)
        {
            var valid = token.VerifySignatureForSignerInfo(recordSigner, out var tsa, [.. dssCertificates]);
            var stamp = Describe("signature", token, tsa, valid, 0, timestampRoots, dssCertificates);
            timestamps.Add(stamp);
            if (!valid)
            {
                problems.Add("The signature time-stamp does not verify over the signature it claims to time.");
            }
            else if (tsa is not null)
            {
                tsaCertificates.Add((stamp, tsa, [.. token.AsSignedCms().Certificates.Cast<X509Certificate2>(), .. dssCertificates]));
            }
        }

        // Appended revisions: each may only add evidence.
        var firstBad = -1;
        for (var r = 1; r < file.Revisions.Count && firstBad < 0; r++)
        {
            if (RevisionChange(structure, r) is { } change)
            {
                problems.Add($"The file was changed after it was signed: {file.Bytes.Length - file.Revisions[r - 1].End} bytes were appended, and update {r} {change}. "
                    + "It is not the record as signed; what it names is read from the signed part only.");
                firstBad = r;
            }
        }

        foreach (var documentTimestamp in structure.Signatures.Where(s => s.SubFilter == "ETSI.RFC3161").Take(MaxDocumentTimestamps))
        {
            if (firstBad >= 0 && documentTimestamp.Revision >= firstBad)
            {
                continue;
            }

            if (documentTimestamp.Contents is null || !documentTimestamp.PaddingIsZero
                || !Rfc3161TimestampToken.TryDecode(documentTimestamp.Contents, out var docToken, out _))
            {
                problems.Add($"Document time-stamp {timestamps.Count(t => t.Kind == "document") + 1} cannot be read, or its value's padding is not zeros.");
                continue;
            }

            var digest = Digest(file.Bytes, documentTimestamp.ByteRange, docToken.TokenInfo.HashAlgorithmId);
            X509Certificate2? tsa = null;
            var valid = digest is not null && docToken.VerifySignatureForHash(digest, docToken.TokenInfo.HashAlgorithmId, out tsa, [.. dssCertificates]);
            var stamp = Describe("document", docToken, tsa, valid, documentTimestamp.Revision, timestampRoots, dssCertificates);
            timestamps.Add(stamp);
            if (!valid)
            {
                problems.Add($"The document time-stamp of update {documentTimestamp.Revision} does not verify over what it covers.");
            }
            else if (tsa is not null)
            {
                tsaCertificates.Add((stamp, tsa, [.. docToken.AsSignedCms().Certificates.Cast<X509Certificate2>(), .. dssCertificates]));
            }
        }

        // A revocation list the file holds that revokes the signer's certificate is said, whatever the level.
        if (signerCertificate is not null && crls.Any(l => l.Revokes(signerCertificate) && dssCertificates.Concat(signerRoots).Any(l.IsSignedBy)))
        {
            problems.Add("A revocation list in the file revokes the signer's certificate.");
        }

        // With TSA roots to trust, only a trusted TSA's time-stamp raises the level; without any, the level is what the file shows.
        var goodTimestamps = timestamps.Where(t => t.Valid && (t.Trusted || timestampRoots.Count == 0)).ToList();
        tsaCertificates.RemoveAll(t => !goodTimestamps.Contains(t.Stamp));
        var level = "B-B";
        if (goodTimestamps.Count > 0)
        {
            level = "B-T";
            var first = tsaCertificates.Count > 0 ? tsaCertificates[0] : default;
            var signerCovered = signerCertificate is not null && Covered(signerCertificate, dssCertificates, crls, signerRoots);
            var tsaCovered = first.Tsa is not null && Covered(first.Tsa, [.. dssCertificates, .. first.Pool], crls, timestampRoots);
            if (signerCovered && tsaCovered && structure.DssRevision is { } dssRevision && (firstBad < 0 || dssRevision < firstBad))
            {
                level = "B-LT";
                if (goodTimestamps.Any(t => t.Kind == "document" && t.Revision > dssRevision))
                {
                    level = "B-LTA";
                }
            }
        }

        // Bytes after the last end-of-file marker belong to no revision: nothing vouches for them.
        var trailing = file.Bytes.Length - file.Revisions[^1].End;
        if (firstBad < 0 && trailing > 0)
        {
            problems.Add($"The file was changed after it was signed: {trailing} bytes were appended after its end (an incremental update or other data). "
                + "It is not the record as signed; what it names is read from the signed part only.");
        }

        var unvouched = firstBad < 0 ? trailing : file.Bytes.Length - file.Revisions[firstBad - 1].End;
        return new Result(level, timestamps, structure.DssCertificates.Count, structure.DssCrls.Count, unvouched, file.Revisions.Count, problems);
    }

    static X509Certificate2? Load(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    static Rfc3161TimestampToken? SignatureTimestamp(SignerInfo signer)
    {
        var value = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14").SelectMany(a => a.Values.Cast<AsnEncodedData>()).FirstOrDefault();
        return value is not null && Rfc3161TimestampToken.TryDecode(value.RawData, out var token, out _) ? token : null;
    }

    static RecordTimestamp Describe(string kind, Rfc3161TimestampToken token, X509Certificate2? tsa, bool valid, int revision,
        IReadOnlyCollection<X509Certificate2> roots, List<X509Certificate2> dss)
    {
        var trusted = valid && tsa is not null && roots.Count > 0
            && ChainsTo(tsa, [.. token.AsSignedCms().Certificates.Cast<X509Certificate2>(), .. dss], roots, token.TokenInfo.Timestamp);
        return new RecordTimestamp(kind, token.TokenInfo.Timestamp, tsa?.Subject, valid, trusted, revision,
            token.TokenInfo.HashAlgorithmId.FriendlyName ?? token.TokenInfo.HashAlgorithmId.Value ?? "",
            tsa is null ? null : new DateTimeOffset(tsa.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }

    /// <summary>The certificate chains to one of <paramref name="roots"/> at <paramref name="at"/> (time-stamping usage included).</summary>
    static bool ChainsTo(X509Certificate2 certificate, IEnumerable<X509Certificate2> pool, IReadOnlyCollection<X509Certificate2> roots, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(pool.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        return chain.Build(certificate);
    }

    /// <summary>
    /// The DSS holds <paramref name="certificate"/>'s chain (each issuer found by name and key, up to a self-signed root
    /// or one of <paramref name="roots"/>) and, for each certificate in it but the root, a CRL signed by its issuer
    /// that does not revoke it.
    /// </summary>
    static bool Covered(X509Certificate2 certificate, List<X509Certificate2> pool, List<RevocationList> crls, IReadOnlyCollection<X509Certificate2> roots)
    {
        var current = certificate;
        for (var depth = 0; depth < 8; depth++)
        {
            if (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData))
            {
                return true;
            }

            var issuer = pool.Concat(roots).FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && RecordEvidence.Issued(c, current));
            if (issuer is null)
            {
                return false;
            }

            var local = current;
            var lists = crls.Where(l => l.IsSignedBy(issuer)).ToList();
            if (lists.Count == 0 || lists.Any(l => l.Revokes(local)))
            {
                return false; // no revocation data for it, or its issuer revoked it
            }

            if (roots.Any(r => r.RawData.AsSpan().SequenceEqual(issuer.RawData)))
            {
                return true;
            }

            current = issuer;
        }

        return false;
    }

    static byte[]? Digest(byte[] pdf, long[] range, Oid algorithm)
    {
        HashAlgorithmName? name = algorithm.Value switch
        {
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (name is not { } n)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(n);
        hash.AppendData(pdf, 0, (int)range[1]);
        hash.AppendData(pdf, (int)range[2], (int)range[3]);
        return hash.GetHashAndReset();
    }

    /// <summary>What update <paramref name="revision"/> does beyond adding evidence, in words; null when it only adds evidence.</summary>
    static string? RevisionChange(PadesStructure structure, int revision)
    {
        var file = structure.File;
        var previous = file.Revisions[revision - 1];
        var current = file.Revisions[revision];
        if (current.RootNumber != previous.RootNumber || current.Trailer.Text("/Info") != previous.Trailer.Text("/Info"))
        {
            return "replaces the document's catalog or information";
        }

        // Each update's cross-reference follows the previous one's, and lies in its own bytes: a reader following /Prev
        // elsewhere (a hidden section redefining objects) would see objects this check never read.
        if (current.Trailer.Integer("/Prev") != previous.XrefOffset || current.XrefOffset < previous.End
            || CountKeyword(file.Bytes, previous.End, current.End, "startxref"u8) != 1 || CountKeyword(file.Bytes, previous.End, current.End, "trailer"u8) != 1)
        {
            return "does not follow the previous update's cross-reference (or hides another)";
        }

        // A hybrid cross-reference stream (/XRefStm) would redefine objects this check never reads.
        if (current.Trailer.Contains("/XRefStm"))
        {
            return "uses a cross-reference stream";
        }

        // Object numbers below the largest size so far, or already defined, are existing objects, whatever a trailer claims;
        // an update defines nothing at or beyond its own size.
        var existing = file.Revisions.Take(revision).Max(r => Math.Max(r.Size, r.Offsets.Keys.DefaultIfEmpty(-1).Max() + 1));
        if (current.Size < existing)
        {
            return "lowers the document's object count";
        }

        if (current.Offsets.Keys.Any(n => n >= current.Size))
        {
            return "defines objects beyond the object count it declares";
        }

        if (current.Freed.Any(n => n != 0 && n < existing))
        {
            return $"frees object {current.Freed.First(n => n != 0 && n < existing)}";
        }

        if (current.Offsets.Count > MaxObjectsPerUpdate)
        {
            return $"redefines {current.Offsets.Count} objects";
        }

        var catalogNumber = previous.RootNumber ?? -1;
        var oldCatalog = file.Dictionary(catalogNumber, revision - 1);
        int? acroFormNumber = oldCatalog?.Reference("/AcroForm");
        int? dssNumber = oldCatalog?.Reference("/DSS");
        var addedFields = new List<int>();
        var addedAnnotations = new List<int>();
        foreach (var number in current.Offsets.Keys)
        {
            if (number >= existing)
            {
                continue; // a new object: it matters only if something that is drawn refers to it, which the rules below rule out
            }

            var before = file.Dictionary(number, revision - 1);
            var after = file.Dictionary(number, revision);
            if (before is null || after is null)
            {
                return $"redefines object {number}";
            }

            if (number == catalogNumber)
            {
                if (!before.Without("/DSS", "/AcroForm", "/Extensions").SameAs(after.Without("/DSS", "/AcroForm", "/Extensions")))
                {
                    return "changes the document catalog";
                }

                // A form kept in its own object is changed there (checked below), never swapped for another.
                if (acroFormNumber is not null && !(before["/AcroForm"] ?? []).AsSpan().SequenceEqual(after["/AcroForm"] ?? []))
                {
                    return "replaces the form fields";
                }

                if (acroFormNumber is null)
                {
                    if (FieldsAdded(Inline(before["/AcroForm"]), Inline(after["/AcroForm"])) is not { } fields)
                    {
                        return "changes the form fields";
                    }

                    addedFields.AddRange(fields);
                }
            }
            else if (number == acroFormNumber)
            {
                if (FieldsAdded(before, after) is not { } fields)
                {
                    return "changes the form fields";
                }

                addedFields.AddRange(fields);
            }
            else if (number == dssNumber)
            {
                if (after.Entries.Any(e => e.Key is not ("/Type" or "/Certs" or "/CRLs" or "/OCSPs" or "/VRI")))
                {
                    return "puts something other than validation data in the document security store";
                }
            }
            else if (before.Name("/Type") == "/Page")
            {
                var oldAnnots = before.References("/Annots") ?? [];
                var newAnnots = after.References("/Annots");
                if (!before.Without("/Annots").SameAs(after.Without("/Annots")) || newAnnots is null
                    || newAnnots.Count < oldAnnots.Count || !newAnnots.Take(oldAnnots.Count).SequenceEqual(oldAnnots))
                {
                    return $"changes page object {number}";
                }

                addedAnnotations.AddRange(newAnnots.Skip(oldAnnots.Count));
            }
            else
            {
                return $"redefines object {number}";
            }
        }

        // An annotation added to a page is drawn: only the widget of a document time-stamp field added here may be.
        if (addedAnnotations.Except(addedFields).Any())
        {
            return "adds an annotation to a page";
        }

        // Every field added must be an invisible document time-stamp made in this update.
        foreach (var field in addedFields)
        {
            var dictionary = file.Dictionary(field, revision);
            var value = dictionary?.Reference("/V");
            var signature = structure.Signatures.FirstOrDefault(s => s.FieldNumber == field && s.Number == value);
            if (dictionary?.Name("/FT") != "/Sig" || signature is null || signature.SubFilter != "ETSI.RFC3161" || signature.Revision != revision
                || (dictionary.Text("/Rect") is { } rect && !ZeroArea(rect)))
            {
                return "adds a form field that is not an invisible document time-stamp";
            }
        }

        return null;
    }

    static int CountKeyword(byte[] pdf, int from, int to, ReadOnlySpan<byte> keyword)
    {
        var count = 0;
        var span = pdf.AsSpan(from, to - from);
        for (var at = span.IndexOf(keyword); at >= 0; at = span.IndexOf(keyword))
        {
            count++;
            span = span[(at + keyword.Length)..];
        }

        return count;
    }

    static RawDictionary? Inline(byte[]? value) => value is null ? null : RawDictionary.Parse(value, 0, value.Length, out _);

    /// <summary>The fields appended to the AcroForm (null when anything else changed).</summary>
    static List<int>? FieldsAdded(RawDictionary? before, RawDictionary? after)
    {
        if (after is null)
        {
            return before is null ? [] : null;
        }

        var oldFields = before?.References("/Fields") ?? [];
        var newFields = after.References("/Fields");
        if (newFields is null || newFields.Count < oldFields.Count || !newFields.Take(oldFields.Count).SequenceEqual(oldFields))
        {
            return null;
        }

        var others = after.Without("/Fields", "/SigFlags");
        if (before is not null && !before.Without("/Fields", "/SigFlags").SameAs(others) || before is null && others.Entries.Count > 0)
        {
            return null;
        }

        return [.. newFields.Skip(oldFields.Count)];
    }

    static bool ZeroArea(string rect)
    {
        var values = rect.Trim('[', ']').Split([' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : double.NaN)
            .ToArray();
        return values.Length == 4 && values.All(double.IsFinite) && (values[0] == values[2] || values[1] == values[3]);
    }
}
