using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>
/// Ties a session's row to its sealed chain: the patient's name, date of birth, MRN and email, and
/// the hash of the patient link, are kept in the row (they are looked up and shown), and the chain
/// seals a digest of the first (<c>patientDigest</c> in <see cref="EventTypes.SessionCreated"/>) and
/// the second (<c>linkTokenHash</c> in <see cref="EventTypes.SessionCreated"/> and each
/// <see cref="EventTypes.LinkReissued"/>). The row has no seal of its own, so whoever can write the
/// database could change who a record names, or give a session a link of their choosing; every
/// check that trusts the chain compares the row with what the chain sealed, and refuses a difference.
/// </summary>
/// <remarks>
/// An outside review did both as the service's runtime role: it renamed the patient of a session
/// waiting for its countersignature (the signed record then named someone else, and every check said
/// it was valid) and took over a session by writing the hash of a link it chose. Sessions started
/// before links were sealed have no link hash in their chain; for them only the patient is compared.
/// </remarks>
public static class PatientBinding
{
    /// <summary>Binds the chain to the patient's identity without putting personal data in the events.</summary>
    public static string Digest(ConsentSession s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        ChainJson.Serialize(new JsonObject
        {
            ["dateOfBirth"] = s.PatientDateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["email"] = s.PatientEmail,
            ["mrn"] = s.PatientMrn,
            ["name"] = s.PatientName,
            ["sessionId"] = s.Id.ToString("D"),
        }))));

    /// <summary>
    /// The one check of a stored session: its chain against the row's last sequence number and hash
    /// (<see cref="EventChain.Verify"/>), then the row against what the chain sealed.
    /// </summary>
    public static ChainVerification Verify(ConsentSession row, IReadOnlyList<ConsentEvent> events, EventSeals seals)
    {
        var chain = EventChain.Verify(events, row.LastSeq, row.LastHash, seals);
        return chain.Verified && Check(row, events) is { } unbound ? unbound : chain;
    }

    /// <summary>Null when the row agrees with the state replayed from the chain; otherwise what differs.</summary>
    public static string? Problem(ConsentSession row, SessionState state) => Problem(row, state.PatientDigest, state.LinkTokenHash);

    /// <summary>
    /// Null when the row agrees with what the events sealed (or when they are not the full chain from
    /// its first event); otherwise the difference, at the event that sealed what the row contradicts.
    /// </summary>
    public static ChainVerification? Check(ConsentSession row, IReadOnlyList<ConsentEvent> events)
    {
        if (events.Count == 0 || events[0].Type != EventTypes.SessionCreated || Read(events[0]) is not SessionCreatedPayload created)
        {
            return null;
        }

        var link = (Seq: events[0].Seq, Hash: created.LinkTokenHash);
        foreach (var e in events.Where(e => e.Type == EventTypes.LinkReissued))
        {
            if (Read(e) is LinkReissuedPayload { LinkTokenHash: { } hash })
            {
                link = (e.Seq, hash);
            }
        }

        if (PatientProblem(row, created.PatientDigest) is { } patient)
        {
            return ChainVerification.Broken(events[0].Seq, patient);
        }

        return LinkProblem(row, link.Hash) is { } linkProblem ? ChainVerification.Broken(link.Seq, linkProblem) : null;
    }

    private static string? Problem(ConsentSession row, string? sealedDigest, string? sealedLinkHash) =>
        PatientProblem(row, sealedDigest) ?? LinkProblem(row, sealedLinkHash);

    private static string? PatientProblem(ConsentSession row, string? sealedDigest) =>
        !string.IsNullOrEmpty(sealedDigest) && !string.Equals(sealedDigest, Digest(row), StringComparison.Ordinal)
            ? $"the patient details stored for session {row.Id} are not those it was started with: they were changed outside the service"
            : null;

    private static string? LinkProblem(ConsentSession row, string? sealedLinkHash) =>
        !string.IsNullOrEmpty(sealedLinkHash) && !string.Equals(sealedLinkHash, row.LinkTokenHash, StringComparison.Ordinal)
            ? $"the patient link stored for session {row.Id} is not the one the service issued: it was changed outside the service"
            : null;

    private static EventPayload? Read(ConsentEvent e) =>
        JsonNode.Parse(e.Payload) is JsonObject payload ? EventPayload.Read(e.Type, payload, e.StepId) : null;
}
