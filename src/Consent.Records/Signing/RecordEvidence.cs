using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Consent.Records.Signing;

namespace Consent.Records;

/// <summary>
/// Adds long-term evidence to a signed record, in the PAdES baseline levels of ETSI EN 319 142-1 (clause 6):
/// <list type="bullet">
/// <item>B-T: an RFC 3161 signature time-stamp in the signature's unsigned attributes (<see cref="TimestampSignatureAsync"/>,
/// in place: the signed byte ranges do not change), or, for a record already stored as B-B, a document time-stamp;</item>
/// <item>B-LT: a document security store (DSS, 5.4.2) with the signing and TSA certificate chains and their CRLs,
/// appended as an incremental update;</item>
/// <item>B-LTA: a document time-stamp (/SubFilter /ETSI.RFC3161, 5.4.3) over the whole file including the DSS,
/// renewed before the last TSA certificate expires or when its digest algorithm is deprecated.</item>
/// </list>
/// Every step after the signature is an incremental update: the bytes before it never change, so what was issued
/// stays a byte-for-byte prefix of every later version. Thread-safe.
/// </summary>
public sealed class RecordEvidence
{
    /// <summary>The room a document time-stamp's token gets: a token with a two-certificate chain is about 3 KB.</summary>
    public const int DocumentTimestampRoom = 12 * 1024;

    static readonly System.Buffers.SearchValues<byte> LowerHex = System.Buffers.SearchValues.Create("abcdef"u8);

    const string SignatureTimestampOid = "1.2.840.113549.1.9.16.2.14";

    readonly TimestampAuthority _authority;
    readonly HttpClient _http;
    readonly List<X509Certificate2> _signerChain;
    readonly List<X509Certificate2> _timestampRoots;

    /// <param name="authority">The TSA.</param>
    /// <param name="http">For fetching CRLs at the addresses certificates name.</param>
    /// <param name="signerChain">The signing certificate and its issuers (from the PKCS#12 file), embedded with their CRLs.</param>
    /// <param name="timestampRoots">Roots a TSA chain is completed with.</param>
    public RecordEvidence(TimestampAuthority authority, HttpClient http, IEnumerable<X509Certificate2> signerChain, IEnumerable<X509Certificate2> timestampRoots)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(http);
        _authority = authority;
        _http = http;
        _signerChain = [.. signerChain];
        _timestampRoots = [.. timestampRoots];
    }

    /// <summary>
    /// B-B to B-T, in place: asks the TSA for a time-stamp over the record signature's value and puts the token in the
    /// signature's unsigned attributes (id-aa-signatureTimeStampToken, RFC 3161 appendix A). The signed bytes do not
    /// change, only /Contents, whose room <see cref="RecordSigner"/> reserved. A record whose signature has a time-stamp
    /// already is returned as it is.
    /// </summary>
    /// <exception cref="TimestampUnavailableException">The TSA did not grant one: keep the B-B record and upgrade it later.</exception>
    public async Task<byte[]> TimestampSignatureAsync(byte[] pdf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var structure = PadesStructure.Read(pdf);
        var record = RecordSignature(structure);
        if (structure.File.Revisions.Count != 1)
        {
            throw new InvalidOperationException("Only a record as signed, before any update, is time-stamped in place.");
        }

        var cms = new SignedCms();
        cms.Decode(record.Contents!);
        var signer = cms.SignerInfos[0];
        if (signer.UnsignedAttributes.Cast<CryptographicAttributeObject>().Any(a => a.Oid.Value == SignatureTimestampOid))
        {
            return pdf;
        }

        var token = await _authority.StampSignatureAsync(signer, ct).ConfigureAwait(false);
        signer.AddUnsignedAttribute(new AsnEncodedData(new Oid(SignatureTimestampOid), token.AsSignedCms().Encode()));
        var encoded = cms.Encode();
        var output = (byte[])pdf.Clone();
        WriteContents(output, record.Hole, encoded);
        return output;
    }

    /// <summary>
    /// Appends what the record lacks, in order: a document time-stamp when nothing time-stamps its signature (B-T);
    /// the certificates and CRLs of the signer's and every TSA's chain the DSS lacks (B-LT); a document time-stamp
    /// over the DSS when the last revision is not one (B-LTA); and, when <paramref name="renewal"/> says the last
    /// time-stamp is about to lose its strength, fresh CRLs for its TSA and a new document time-stamp over them.
    /// Idempotent: a record that has all of it is returned unchanged.
    /// </summary>
    /// <exception cref="TimestampUnavailableException">The TSA or a CRL could not be had; nothing is lost, try again later.</exception>
    public async Task<EvidenceUpdate> ExtendAsync(byte[] pdf, EvidenceRenewal renewal, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(renewal);
        var added = new List<string>();
        var structure = PadesStructure.Read(pdf);
        var record = RecordSignature(structure);
        if (SignatureTimestamp(record) is null && !DocumentTimestamps(structure).Any())
        {
            pdf = await AppendDocumentTimestampAsync(structure, ct).ConfigureAwait(false);
            added.Add("document time-stamp (the record had none: B-T)");
            structure = PadesStructure.Read(pdf);
        }

        var last = DocumentTimestamps(structure).LastOrDefault();
        var renew = last is not null && last.Revision == structure.File.Revisions.Count - 1 && NeedsRenewal(last, renewal, now);
        var (certificates, issuers) = NeededCertificates(structure);
        var crls = await NeededCrlsAsync(structure, certificates, issuers, renew ? TimestampChain(last!) : [], ct).ConfigureAwait(false);
        var missingCertificates = certificates.Where(c => !structure.DssCertificates.Any(d => d.Der.AsSpan().SequenceEqual(c.RawData))).ToList();
        if (missingCertificates.Count > 0 || crls.Count > 0)
        {
            pdf = AppendDss(structure, missingCertificates.Select(c => c.RawData), crls);
            added.Add($"validation data: {missingCertificates.Count} certificate(s), {crls.Count} CRL(s) (B-LT)");
            structure = PadesStructure.Read(pdf);
        }

        last = DocumentTimestamps(structure).LastOrDefault();
        if (last is null || last.Revision != structure.File.Revisions.Count - 1 || renew)
        {
            pdf = await AppendDocumentTimestampAsync(structure, ct).ConfigureAwait(false);
            added.Add(renew ? "archive time-stamp renewed (B-LTA)" : "archive time-stamp (B-LTA)");
        }

        return new EvidenceUpdate(pdf, added);
    }

    bool NeedsRenewal(PadesStructure.SignatureField last, EvidenceRenewal renewal, DateTimeOffset now)
    {
        if (last.Contents is null || !Rfc3161TimestampToken.TryDecode(last.Contents, out var token, out _))
        {
            return false;
        }

        if (renewal.DeprecatedDigests.Contains(token.TokenInfo.HashAlgorithmId.Value ?? ""))
        {
            return true;
        }

        var tsa = TimestampChain(last).FirstOrDefault();
        return tsa is not null && new DateTimeOffset(tsa.NotAfter.ToUniversalTime(), TimeSpan.Zero) - now <= renewal.Before;
    }

    static PadesStructure.SignatureField RecordSignature(PadesStructure structure) =>
        structure.Signatures.FirstOrDefault(s => s.Revision == 0 && s.SubFilter == RecordVerifier.PadesSubFilter && s.Contents is not null)
        ?? throw new FormatException("The file has no record signature (PAdES, in its first revision).");

    static IEnumerable<PadesStructure.SignatureField> DocumentTimestamps(PadesStructure structure) =>
        structure.Signatures.Where(s => s.SubFilter == "ETSI.RFC3161" && s.Contents is not null);

    /// <summary>The signature time-stamp token in a record signature's unsigned attributes, or null.</summary>
    internal static Rfc3161TimestampToken? SignatureTimestamp(PadesStructure.SignatureField record)
    {
        if (record.Contents is null)
        {
            return null;
        }

        var cms = new SignedCms();
        cms.Decode(record.Contents);
        var value = cms.SignerInfos[0].UnsignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == SignatureTimestampOid).SelectMany(a => a.Values.Cast<AsnEncodedData>()).FirstOrDefault();
        return value is not null && Rfc3161TimestampToken.TryDecode(value.RawData, out var token, out _) ? token : null;
    }

    /// <summary>The TSA certificate of a token and its issuers, as far as the token's certificates and the configured roots reach.</summary>
    List<X509Certificate2> TimestampChain(PadesStructure.SignatureField documentTimestamp) =>
        documentTimestamp.Contents is { } c && Rfc3161TimestampToken.TryDecode(c, out var token, out _) ? TimestampChain(token) : [];

    List<X509Certificate2> TimestampChain(Rfc3161TimestampToken token)
    {
        var cms = token.AsSignedCms();
        var signer = cms.SignerInfos.Count > 0 ? cms.SignerInfos[0].Certificate : null;
        if (signer is null)
        {
            return [];
        }

        return Chain(signer, [.. cms.Certificates.Cast<X509Certificate2>(), .. _timestampRoots], _timestampRoots);
    }

    /// <summary>A certificate and its issuers, found by name and key among <paramref name="pool"/> (no trust decision: that is the verifier's).</summary>
    static List<X509Certificate2> Chain(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> pool, IReadOnlyList<X509Certificate2> roots)
    {
        var chain = new List<X509Certificate2> { leaf };
        var current = leaf;
        while (chain.Count < 8 && current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) is false)
        {
            var issuer = pool.Concat(roots).FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && Issued(c, current));
            if (issuer is null || chain.Any(x => x.RawData.AsSpan().SequenceEqual(issuer.RawData)))
            {
                break;
            }

            chain.Add(issuer);
            current = issuer;
        }

        return chain;
    }

    /// <summary><paramref name="issuer"/>'s key verifies <paramref name="certificate"/>'s signature.</summary>
    internal static bool Issued(X509Certificate2 issuer, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreWrongUsage
            | X509VerificationFlags.IgnoreInvalidPolicy;
        chain.ChainPolicy.VerificationTimeIgnored = true;
        return chain.Build(certificate) || chain.ChainElements.Count > 1 && chain.ChainElements[1].Certificate.RawData.AsSpan().SequenceEqual(issuer.RawData)
            && chain.ChainStatus.All(s => s.Status is X509ChainStatusFlags.NotTimeValid or X509ChainStatusFlags.NoError);
    }

    /// <summary>Every certificate the record's evidence rests on (signer chain, each TSA chain), and each one's issuer.</summary>
    (List<X509Certificate2> Certificates, Dictionary<X509Certificate2, X509Certificate2?> Issuers) NeededCertificates(PadesStructure structure)
    {
        var record = RecordSignature(structure);
        var cms = new SignedCms();
        cms.Decode(record.Contents!);
        var signer = cms.SignerInfos[0].Certificate;
        var chains = new List<List<X509Certificate2>>();
        if (signer is not null)
        {
            chains.Add(Chain(signer, [.. _signerChain, .. cms.Certificates.Cast<X509Certificate2>()], []));
        }

        if (SignatureTimestamp(record) is { } signatureTimestamp)
        {
            chains.Add(TimestampChain(signatureTimestamp));
        }

        chains.AddRange(DocumentTimestamps(structure).Select(TimestampChain));
        var certificates = new List<X509Certificate2>();
        var issuers = new Dictionary<X509Certificate2, X509Certificate2?>();
        foreach (var chain in chains)
        {
            for (var i = 0; i < chain.Count; i++)
            {
                if (certificates.Any(c => c.RawData.AsSpan().SequenceEqual(chain[i].RawData)))
                {
                    continue;
                }

                certificates.Add(chain[i]);
                issuers[chain[i]] = i + 1 < chain.Count ? chain[i + 1] : null;
            }
        }

        return (certificates, issuers);
    }

    /// <summary>
    /// The CRLs to add: for each certificate that is not its own issuer, its issuer's current CRL when the DSS holds
    /// none signed by that issuer (or, for <paramref name="refresh"/>, when the current one is not in the DSS yet).
    /// A CRL that revokes a certificate the evidence rests on stops the upgrade: nothing revoked is vouched for.
    /// </summary>
    async Task<List<byte[]>> NeededCrlsAsync(PadesStructure structure, List<X509Certificate2> certificates,
        Dictionary<X509Certificate2, X509Certificate2?> issuers, List<X509Certificate2> refresh, CancellationToken ct)
    {
        var existing = structure.DssCrls.Select(c => RevocationList.Read(c.Der)).OfType<RevocationList>().ToList();
        var added = new List<byte[]>();
        foreach (var certificate in certificates)
        {
            if (issuers[certificate] is not { } issuer)
            {
                continue; // a root: trusted as itself, no CRL vouches for it
            }

            var fresh = refresh.Any(r => r.RawData.AsSpan().SequenceEqual(certificate.RawData));
            if (!fresh && existing.Concat(added.Select(a => RevocationList.Read(a)!)).Any(l => l.IsSignedBy(issuer)))
            {
                continue;
            }

            var addresses = RevocationLists.DistributionPoints(certificate);
            if (addresses.Count == 0)
            {
                continue; // nothing published to embed; the verifier reports the certificate without revocation data
            }

            TimestampUnavailableException? failure = null;
            foreach (var address in addresses)
            {
                try
                {
                    var der = await RevocationLists.FetchAsync(_http, address, ct).ConfigureAwait(false);
                    var list = RevocationList.Read(der)!;
                    if (!list.IsSignedBy(issuer))
                    {
                        failure = new TimestampUnavailableException($"The revocation list at {address} is not signed by {issuer.Subject}.");
                        continue;
                    }

                    if (list.Revokes(certificate))
                    {
                        throw new InvalidOperationException($"The certificate {certificate.Subject} is revoked by its issuer's CRL ({address}): no evidence is added for it.");
                    }

                    if (!existing.Concat(added.Select(a => RevocationList.Read(a)!)).Any(l => l.Encoded.AsSpan().SequenceEqual(der)))
                    {
                        added.Add(der);
                    }

                    failure = null;
                    break;
                }
                catch (TimestampUnavailableException e)
                {
                    failure = e;
                }
            }

            if (failure is not null)
            {
                throw failure;
            }
        }

        return added;
    }

    static byte[] AppendDss(PadesStructure structure, IEnumerable<byte[]> certificates, IEnumerable<byte[]> crls)
    {
        var update = new IncrementalUpdate(structure.File);
        var certificateRefs = structure.DssCertificates.Select(c => c.Number).ToList();
        foreach (var der in certificates)
        {
            var number = update.Allocate();
            update.SetStream(number, new RawDictionary(), der);
            certificateRefs.Add(number);
        }

        var crlRefs = structure.DssCrls.Select(c => c.Number).ToList();
        foreach (var der in crls)
        {
            var number = update.Allocate();
            update.SetStream(number, new RawDictionary(), der);
            crlRefs.Add(number);
        }

        var dss = (structure.Dss ?? new RawDictionary().With("/Type", "/DSS"))
            .With("/Certs", References(certificateRefs))
            .With("/CRLs", References(crlRefs));
        var dssNumber = structure.DssNumber ?? update.Allocate();
        update.Set(dssNumber, dss.Write());
        if (structure.DssNumber is null)
        {
            update.Set(structure.CatalogNumber, structure.Catalog.With("/DSS", $"{dssNumber} 0 R").Write());
        }

        return update.Apply();
    }

    async Task<byte[]> AppendDocumentTimestampAsync(PadesStructure structure, CancellationToken ct)
    {
        var update = new IncrementalUpdate(structure.File);
        var signature = update.Allocate();
        var field = update.Allocate();
        var page = structure.LastPage();
        var count = structure.Signatures.Count(s => s.SubFilter == "ETSI.RFC3161") + 1;
        const string RangePlaceholder = "[0 0000000000 0000000000 0000000000]";
        update.Set(signature, $"<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161/ByteRange{RangePlaceholder}/Contents <{new string('0', DocumentTimestampRoom * 2)}> >>");
        update.Set(field, $"<</Type/Annot/Subtype/Widget/FT/Sig/T(Archive time-stamp {count.ToString(CultureInfo.InvariantCulture)})/V {signature} 0 R/F 132/Rect[0 0 0 0]/P {page} 0 R>>");
        var pageDictionary = structure.File.Dictionary(page) ?? throw new FormatException("The last page cannot be read.");
        if (pageDictionary.Contains("/Annots") && pageDictionary.References("/Annots") is null)
        {
            throw new FormatException("The last page's annotations are not a plain array of references.");
        }

        update.Set(page, pageDictionary.With("/Annots", References([.. pageDictionary.References("/Annots") ?? [], field])).Write());
        var acroForm = (structure.AcroForm ?? new RawDictionary())
            .With("/Fields", References([.. structure.AcroForm?.References("/Fields") ?? [], field]))
            .With("/SigFlags", "3");
        if (structure.AcroFormNumber is { } acroFormNumber)
        {
            update.Set(acroFormNumber, acroForm.Write());
        }
        else
        {
            update.Set(structure.CatalogNumber, structure.Catalog.With("/AcroForm", acroForm.Write()).Write());
        }

        var bytes = update.Apply();
        var tail = bytes.AsSpan(structure.File.Bytes.Length);
        var rangeAt = structure.File.Bytes.Length + tail.IndexOf(Encoding.ASCII.GetBytes("/ByteRange" + RangePlaceholder));
        var holeStart = structure.File.Bytes.Length + tail.IndexOf("/Contents <"u8) + "/Contents ".Length;
        var holeEnd = holeStart + DocumentTimestampRoom * 2 + 2;
        var range = $"[0 {holeStart} {holeEnd} {bytes.Length - holeEnd}".ToString(CultureInfo.InvariantCulture);
        Encoding.ASCII.GetBytes(range.PadRight(RangePlaceholder.Length - 1) + "]").CopyTo(bytes, rangeAt + "/ByteRange".Length);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(bytes, 0, holeStart);
        hash.AppendData(bytes, holeEnd, bytes.Length - holeEnd);
        var token = await _authority.StampHashAsync(hash.GetHashAndReset(), ct).ConfigureAwait(false);
        WriteContents(bytes, (holeStart, holeEnd), token.AsSignedCms().Encode());
        return bytes;
    }

    static string References(IEnumerable<int> numbers) => "[" + string.Join(' ', numbers.Select(n => $"{n} 0 R")) + "]";

    /// <summary>Writes <paramref name="der"/> as hex into the /Contents hole, zero-padded, in the hole's letter case.</summary>
    static void WriteContents(byte[] pdf, (int Start, int End) hole, byte[] der)
    {
        var room = (hole.End - hole.Start - 2) / 2;
        if (der.Length > room)
        {
            throw new InvalidOperationException($"The signature value with its time-stamp is {der.Length} bytes; the record has room for {room}.");
        }

        var existing = pdf.AsSpan(hole.Start + 1, hole.End - hole.Start - 2);
        var lower = existing.ContainsAny(LowerHex);
        var hex = Convert.ToHexString(der);
        if (lower)
        {
            hex = hex.ToLowerInvariant();
        }

        Encoding.ASCII.GetBytes(hex.PadRight(room * 2, '0')).CopyTo(pdf, hole.Start + 1);
    }
}

/// <summary>When an archive time-stamp is renewed.</summary>
/// <param name="Before">Renew when the last time-stamp's TSA certificate expires within this time.</param>
/// <param name="DeprecatedDigests">Digest algorithm OIDs no longer trusted; a last time-stamp using one is renewed.</param>
public sealed record EvidenceRenewal(TimeSpan Before, IReadOnlySet<string> DeprecatedDigests)
{
    /// <summary>A year before expiry; SHA-1 (1.3.14.3.2.26) and MD5 (1.2.840.113549.2.5) deprecated.</summary>
    public static EvidenceRenewal Default { get; } = new(TimeSpan.FromDays(365), new HashSet<string>(StringComparer.Ordinal) { "1.3.14.3.2.26", "1.2.840.113549.2.5" });
}

/// <summary>The record after <see cref="RecordEvidence.ExtendAsync"/>, and what was added (empty: unchanged).</summary>
public sealed record EvidenceUpdate(byte[] Pdf, IReadOnlyList<string> Added)
{
    public bool Changed => Added.Count > 0;
}
