using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>
/// Ties a session's row to its sealed chain. The row keeps what is looked up and shown: the patient's
/// name, date of birth, MRN and email, the hash of the patient link, the workflow version and language
/// the session runs on and the clinician who started it. The chain seals all of them in
/// <see cref="EventTypes.SessionCreated"/> (<c>patientDigest</c>, a digest of the patient's details;
/// <c>workflowId</c>, <c>workflowVersion</c>, <c>workflowHash</c>, <c>language</c>, <c>createdBy</c> and
/// <c>linkTokenHash</c>) and the link again in each <see cref="EventTypes.LinkReissued"/>. The row has no
/// seal of its own, so whoever can write the database could change who a record names, which workflow
/// and language it says were consented to, whose session it is, or give it a link of their choosing;
/// every check that trusts the chain compares the row with what the chain sealed, and refuses a difference.
/// </summary>
/// <remarks>
/// Outside reviews did all of these as the service's runtime role: renamed the patient, moved a session
/// waiting for its countersignature to another workflow or language (the signed record then named them,
/// and every check said it was valid), gave a session to another clinician (who could then open and
/// countersign it), and took over a session by writing the hash of a link it chose. Members a chain does
/// not hold (sessions started before links were sealed) are not compared.
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
    public static string? Problem(ConsentSession row, SessionState state) =>
        CreatedProblem(row, new Sealed(state.PatientDigest, state.WorkflowId, state.WorkflowVersion, state.WorkflowHash, state.Language, state.CreatedBy))
        ?? LinkProblem(row, state.LinkTokenHash)
        ?? StatusMismatch(row, state.Status);

    /// <summary>
    /// Null when the row agrees with what the events sealed (or when they are not the full chain from
    /// its first event); otherwise the difference, at the event that sealed what the row contradicts.
    /// </summary>
    public static ChainVerification? Check(ConsentSession row, IReadOnlyList<ConsentEvent> events)
    {
        if (Created(events) is not { } created)
        {
            return null;
        }

        if (CreatedProblem(row, Sealed.From(created)) is { } problem)
        {
            return ChainVerification.Broken(events[0].Seq, problem);
        }

        var link = SealedLinks(events).LastOrDefault((Seq: events[0].Seq, Hash: ""));
        if (LinkProblem(row, link.Hash) is { } linkProblem)
        {
            return ChainVerification.Broken(link.Seq, linkProblem);
        }

        return StatusProblem(row, events) is { } statusProblem ? ChainVerification.Broken(events[^1].Seq, statusProblem) : null;
    }

    /// <summary>
    /// Null when the row's status and completion time are those the chain gives
    /// (<see cref="SessionLifecycle.StatusOf"/>; completed when the countersignature was logged, or a check-in cleared). The third
    /// outside review marked a declined and a withdrawn session Completed in the row: searches, the audit
    /// page, the verify answer and the export then said consent was in force, beside "verified".
    /// </summary>
    private static string? StatusProblem(ConsentSession row, IReadOnlyList<ConsentEvent> events)
    {
        var signers = () => events.FirstOrDefault(e => e.Type == EventTypes.SessionCreated) is { } created
            && System.Text.Json.Nodes.JsonNode.Parse(created.Payload) is System.Text.Json.Nodes.JsonObject payload
            ? SessionCreatedPayload.From(payload).Signers ?? Signers.PatientAlone : Signers.PatientAlone;
        if (StatusMismatch(row, SessionLifecycle.StatusOf(events.Select(e => e.Type), signers)) is { } mismatch)
        {
            return mismatch;
        }

        // A consent is completed by its countersignature; a check-in by being cleared, at its end or by a clinician's
        // release of a held one (SessionWriter sets completed_at at that event; the consent gate reads it).
        var completed = events.FirstOrDefault(e => e.Type is EventTypes.ClinicianCountersigned or EventTypes.PaperConsentRecorded
            or EventTypes.CheckinCleared or EventTypes.CheckinReleased)?.At;
        return completed != row.CompletedAt
            ? $"the completion time stored for session {row.Id} ({Time(row.CompletedAt)}) is not the countersignature's or the check-in's clearing ({Time(completed)}): it was changed outside the service"
            : null;
    }

    private static string? StatusMismatch(ConsentSession row, SessionStatus status) =>
        string.Equals(status.ToString(), row.Status, StringComparison.Ordinal) ? null
            : $"the status stored for session {row.Id} ({row.Status}) is not the one its event chain gives ({status}): it was changed outside the service";

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) ?? "none";

    /// <summary>
    /// Every patient link the chain sealed, oldest first: the hash in <see cref="EventTypes.SessionCreated"/>,
    /// then one per <see cref="EventTypes.LinkReissued"/>. The last is the link in force; empty for a
    /// session started before links were sealed.
    /// </summary>
    public static IReadOnlyList<(long Seq, string Hash)> SealedLinks(IReadOnlyList<ConsentEvent> events)
    {
        var links = new List<(long Seq, string Hash)>();
        if (Created(events) is { LinkTokenHash: { Length: > 0 } first })
        {
            links.Add((events[0].Seq, first));
        }

        foreach (var e in events.Where(e => e.Type == EventTypes.LinkReissued))
        {
            if (Read(e) is LinkReissuedPayload { LinkTokenHash: { Length: > 0 } hash })
            {
                links.Add((e.Seq, hash));
            }
        }

        return links;
    }

    /// <summary>What <see cref="EventTypes.SessionCreated"/> sealed, when <paramref name="events"/> start with it.</summary>
    public static SessionCreatedPayload? Created(IReadOnlyList<ConsentEvent> events) =>
        events.Count > 0 && events[0].Type == EventTypes.SessionCreated ? Read(events[0]) as SessionCreatedPayload : null;

    /// <summary>
    /// Null when the clinician the row names as the session's creator is the one its first event sealed;
    /// otherwise the difference. What staff access checks (<see cref="StaffSessions"/>) without replaying the chain.
    /// </summary>
    public static string? CreatorProblem(ConsentSession row, string? sealedCreator) =>
        CreatedProblem(row, new Sealed(null, null, 0, null, null, sealedCreator));

    /// <summary>The columns <see cref="EventTypes.SessionCreated"/> seals, except the link (which a reissue moves).</summary>
    private sealed record Sealed(string? PatientDigest, string? WorkflowId, int WorkflowVersion, string? WorkflowHash, string? Language, string? CreatedBy)
    {
        public static Sealed From(SessionCreatedPayload c) => new(c.PatientDigest, c.WorkflowId, c.WorkflowVersion, c.WorkflowHash, c.Language, c.CreatedBy);
    }

    private static string? CreatedProblem(ConsentSession row, Sealed sealedAs)
    {
        if (!string.IsNullOrEmpty(sealedAs.PatientDigest) && !string.Equals(sealedAs.PatientDigest, Digest(row), StringComparison.Ordinal))
        {
            return $"the patient details stored for session {row.Id} are not those it was started with: they were changed outside the service";
        }

        if (!string.IsNullOrEmpty(sealedAs.WorkflowId)
            && (!string.Equals(sealedAs.WorkflowId, row.WorkflowId, StringComparison.Ordinal) || sealedAs.WorkflowVersion != row.WorkflowVersion
                || (!string.IsNullOrEmpty(sealedAs.WorkflowHash) && !string.Equals(sealedAs.WorkflowHash, row.WorkflowHash, StringComparison.Ordinal))))
        {
            return $"the workflow stored for session {row.Id} ({row.WorkflowId} v{row.WorkflowVersion}, hash {row.WorkflowHash}) is not the one it was started on "
                + $"({sealedAs.WorkflowId} v{sealedAs.WorkflowVersion}, hash {sealedAs.WorkflowHash}): it was changed outside the service";
        }

        if (!string.IsNullOrEmpty(sealedAs.Language) && !string.Equals(sealedAs.Language, row.Language, StringComparison.Ordinal))
        {
            return $"the language stored for session {row.Id} ({row.Language}) is not the one it was started in ({sealedAs.Language}): it was changed outside the service";
        }

        return !string.IsNullOrEmpty(sealedAs.CreatedBy) && !(Guid.TryParse(sealedAs.CreatedBy, out var creator) && creator == row.CreatedBy)
            ? $"the clinician stored for session {row.Id} ({row.CreatedBy}) is not the one who started it ({sealedAs.CreatedBy}): it was changed outside the service"
            : null;
    }

    private static string? LinkProblem(ConsentSession row, string? sealedLinkHash) =>
        !string.IsNullOrEmpty(sealedLinkHash) && !string.Equals(sealedLinkHash, row.LinkTokenHash, StringComparison.Ordinal)
            ? $"the patient link stored for session {row.Id} is not the one the service issued: it was changed outside the service"
            : null;

    private static EventPayload? Read(ConsentEvent e) =>
        JsonNode.Parse(e.Payload) is JsonObject payload ? EventPayload.Read(e.Type, payload, e.StepId) : null;
}
