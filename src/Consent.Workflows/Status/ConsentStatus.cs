using System.Collections.Immutable;
using System.Globalization;

namespace Consent.Workflows;

/// <summary>
/// A patient's consent status per workflow, computed from their sessions, the registry's version
/// terms and the time: a pure function, no database, no clock of its own.
/// </summary>
/// <remarks>
/// <para>Per workflow id, over the patient's sessions on any of its versions:</para>
/// <list type="number">
/// <item>The <b>latest consent</b> is the signed session (<see cref="SessionStatus.Completed"/> or
/// <see cref="SessionStatus.Withdrawn"/>) with the latest <see cref="ConsentSessionSummary.SignedAt"/>; every
/// earlier signed one is <see cref="ConsentRecordState.Superseded"/> unless it was withdrawn itself.</item>
/// <item>If the latest consent is not withdrawn, it is <b>in force</b>, and the status is, in this order:
/// <see cref="ConsentStatusKind.Expired"/> when <c>now &gt;= signedAt + validity</c> (the validity of the
/// version signed; none: it never expires); <see cref="ConsentStatusKind.ReconsentDue"/> when an approved
/// version newer than the one signed has <c>reconsent: required</c> (21 CFR 50.25(b)(5): significant new
/// findings that may bear on the willingness to continue are given to the subject);
/// <see cref="ConsentStatusKind.Expiring"/> when <c>now &gt;= expiresAt - notice</c>; else
/// <see cref="ConsentStatusKind.Valid"/>. Sessions that declined, were referred or are open after it do
/// not change that: a consent in force stays in force until it is replaced, withdrawn or runs out; an open
/// session (a re-consent under way) is named in the reason.</item>
/// <item>Otherwise no consent is in force, and the <b>latest thing</b> decides: the withdrawal of the
/// latest consent (at its <see cref="ConsentSessionSummary.EndedAt"/>), the start of an open session
/// (<see cref="SessionStatus.Invited"/>, <see cref="SessionStatus.InProgress"/>,
/// <see cref="SessionStatus.AwaitingCountersign"/>: <see cref="ConsentStatusKind.InProgress"/>), or the end
/// of a <see cref="SessionStatus.Declined"/> or <see cref="SessionStatus.Referred"/> session, whichever is
/// latest (ties go to the greater session id, so the answer never depends on the input order). Sessions
/// that ran out (<see cref="SessionStatus.Expired"/>) or were voided say nothing about the patient's
/// wishes and are ignored; with nothing else the status is <see cref="ConsentStatusKind.None"/>.</item>
/// </list>
/// <para>Every workflow with a session, and every workflow with an approved version in the registry,
/// gets one entry, in ordinal order of workflow id. Dates in reasons are the calendar dates of the
/// instants as given (their own offset).</para>
/// </remarks>
public static class ConsentStatus
{
    /// <summary>The status as the API and FHIR mapping write it: <c>valid</c>, <c>reconsent-due</c>, <c>in-progress</c>, ...</summary>
    public static string Name(ConsentStatusKind status) => status switch
    {
        ConsentStatusKind.None => "none",
        ConsentStatusKind.InProgress => "in-progress",
        ConsentStatusKind.Valid => "valid",
        ConsentStatusKind.Expiring => "expiring",
        ConsentStatusKind.Expired => "expired",
        ConsentStatusKind.ReconsentDue => "reconsent-due",
        ConsentStatusKind.Withdrawn => "withdrawn",
        ConsentStatusKind.Declined => "declined",
        ConsentStatusKind.Referred => "referred",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The record state as written: <c>active</c>, <c>superseded</c>, <c>withdrawn</c> or <c>expired</c>.</summary>
    public static string Name(ConsentRecordState state) => state switch
    {
        ConsentRecordState.Active => "active",
        ConsentRecordState.Superseded => "superseded",
        ConsentRecordState.Withdrawn => "withdrawn",
        ConsentRecordState.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The status of each workflow for one patient at <paramref name="now"/>.</summary>
    /// <param name="sessions">The patient's sessions, in any order.</param>
    /// <param name="registry">The terms of every workflow version known, approved or not.</param>
    /// <param name="now">The time to judge expiry at.</param>
    /// <exception cref="ArgumentException">A completed or withdrawn session has no <see cref="ConsentSessionSummary.SignedAt"/>.</exception>
    public static ImmutableArray<WorkflowConsentStatus> Compute(
        IReadOnlyList<ConsentSessionSummary> sessions, IReadOnlyList<WorkflowVersionTerms> registry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(registry);
        var consents = new List<ConsentSessionSummary>(sessions.Count);
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i] ?? throw new ArgumentException("a session is null", nameof(sessions));
            if (IsSigned(session.Status) && session.SignedAt is null)
            {
                throw new ArgumentException($"session {session.SessionId} is {session.Status} but has no SignedAt", nameof(sessions));
            }
            // A check-in's ending is not a consent's: a check-in never gives or takes consent.
            if (session.Status is not (SessionStatus.Cleared or SessionStatus.Held or SessionStatus.NotToday))
            {
                consents.Add(session);
            }
        }
        var ordered = consents.ToArray();
        Array.Sort(ordered, BySigning);
        var result = ImmutableArray.CreateBuilder<WorkflowConsentStatus>();
        var start = 0;
        while (start < ordered.Length)
        {
            var end = start + 1;
            while (end < ordered.Length && string.Equals(ordered[end].WorkflowId, ordered[start].WorkflowId, StringComparison.Ordinal))
            {
                end++;
            }
            result.Add(ForWorkflow(new ArraySegment<ConsentSessionSummary>(ordered, start, end - start), registry, now));
            start = end;
        }
        AddWorkflowsWithoutSessions(result, registry);
        return result.ToImmutable();
    }

    private static void AddWorkflowsWithoutSessions(ImmutableArray<WorkflowConsentStatus>.Builder result, IReadOnlyList<WorkflowVersionTerms> registry)
    {
        var withSessions = result.Count;
        for (var i = 0; i < registry.Count; i++)
        {
            var id = registry[i].WorkflowId;
            if (registry[i].Approved && !result.Any(r => string.Equals(r.WorkflowId, id, StringComparison.Ordinal)))
            {
                result.Add(new WorkflowConsentStatus(id, ConsentStatusKind.None, null, null, null, null, null, "No consent and no session on record.", []));
            }
        }
        if (result.Count > withSessions)
        {
            result.Sort((a, b) => string.CompareOrdinal(a.WorkflowId, b.WorkflowId));
        }
    }

    private static WorkflowConsentStatus ForWorkflow(ArraySegment<ConsentSessionSummary> sessions, IReadOnlyList<WorkflowVersionTerms> registry, DateTimeOffset now)
    {
        var workflowId = sessions[0].WorkflowId;
        var signed = 0;
        while (signed < sessions.Count && IsSigned(sessions[signed].Status))
        {
            signed++;
        }
        var records = ImmutableArray.CreateBuilder<ConsentRecordStatus>(signed);
        DateTimeOffset? latestExpiry = null;
        WorkflowVersionTerms? latestTerms = null;
        for (var i = 0; i < signed; i++)
        {
            var session = sessions[i];
            var terms = Find(registry, workflowId, session.Version);
            var expiresAt = terms?.Validity?.After(session.SignedAt!.Value);
            var state = session.Status == SessionStatus.Withdrawn ? ConsentRecordState.Withdrawn
                : i < signed - 1 ? ConsentRecordState.Superseded
                : expiresAt is { } end && now >= end ? ConsentRecordState.Expired
                : ConsentRecordState.Active;
            records.Add(new ConsentRecordStatus(session.SessionId, session.RecordSha256, session.Version, session.SignedAt!.Value, expiresAt, state));
            latestExpiry = expiresAt;
            latestTerms = terms;
        }
        var history = records.MoveToImmutable();
        if (signed > 0 && sessions[signed - 1].Status != SessionStatus.Withdrawn)
        {
            return InForce(sessions, signed - 1, latestTerms, latestExpiry, registry, now, history);
        }
        return WithoutConsentInForce(sessions, signed, latestExpiry, history);
    }

    private static WorkflowConsentStatus InForce(ArraySegment<ConsentSessionSummary> sessions, int index, WorkflowVersionTerms? terms,
        DateTimeOffset? expiresAt, IReadOnlyList<WorkflowVersionTerms> registry, DateTimeOffset now, ImmutableArray<ConsentRecordStatus> history)
    {
        var consent = sessions[index];
        var signedAt = consent.SignedAt!.Value;
        var requiring = NewestRequiringReconsent(registry, consent.WorkflowId, consent.Version);
        var signedText = $"Signed on {Day(signedAt)} (version {consent.Version})";
        var (status, reason) = terms is null
            ? (requiring is null ? ConsentStatusKind.Valid : ConsentStatusKind.ReconsentDue,
                $"{signedText}; version {consent.Version} is not in the registry, so no expiry is known" + Requiring(requiring) + ".")
            : expiresAt is { } end && now >= end ? (ConsentStatusKind.Expired, $"{signedText}; expired on {Day(end)}.")
            : requiring is not null ? (ConsentStatusKind.ReconsentDue, $"{signedText}{Until(expiresAt)}{Requiring(requiring)}.")
            : expiresAt is { } ending && terms.Notice is { } notice && now >= notice.Before(ending)
                ? (ConsentStatusKind.Expiring, $"{signedText}; expires on {Day(ending)}, within the {notice} notice period.")
            : (ConsentStatusKind.Valid, $"{signedText}{Until(expiresAt)}.");
        var open = LatestOpen(sessions);
        if (open is not null)
        {
            reason += $" A new session on version {open.Version} is open since {Day(open.CreatedAt)}.";
        }
        return new WorkflowConsentStatus(consent.WorkflowId, status, consent.SessionId, consent.RecordSha256, consent.Version,
            signedAt, expiresAt, reason, history);
    }

    private static WorkflowConsentStatus WithoutConsentInForce(ArraySegment<ConsentSessionSummary> sessions, int signed,
        DateTimeOffset? expiresAt, ImmutableArray<ConsentRecordStatus> history)
    {
        ConsentSessionSummary? latest = signed > 0 ? sessions[signed - 1] : null;
        var latestAt = latest is null ? DateTimeOffset.MinValue : EndOf(latest);
        var ignored = 0;
        for (var i = signed; i < sessions.Count; i++)
        {
            var session = sessions[i];
            if (session.Status is SessionStatus.Expired or SessionStatus.Voided)
            {
                ignored++;
                continue;
            }
            var at = IsOpen(session.Status) ? session.CreatedAt : EndOf(session);
            if (latest is null || at > latestAt || (at == latestAt && session.SessionId.CompareTo(latest.SessionId) > 0))
            {
                (latest, latestAt) = (session, at);
            }
        }
        var workflowId = sessions[0].WorkflowId;
        if (latest is null)
        {
            var reason = ignored == 0 ? "No consent and no session on record."
                : $"No consent on record; {ignored} invitation{(ignored == 1 ? "" : "s")} ended without a decision (the link ran out or was voided).";
            return new WorkflowConsentStatus(workflowId, ConsentStatusKind.None, null, null, null, null, null, reason, history);
        }
        var (status, text) = latest.Status switch
        {
            SessionStatus.Withdrawn => (ConsentStatusKind.Withdrawn,
                $"The consent signed on {Day(latest.SignedAt!.Value)} (version {latest.Version}) was withdrawn on {Day(latestAt)}."),
            SessionStatus.Declined => (ConsentStatusKind.Declined, $"The patient declined version {latest.Version} on {Day(latestAt)}."),
            SessionStatus.Referred => (ConsentStatusKind.Referred,
                $"The screening of version {latest.Version} referred the patient to a clinician on {Day(latestAt)}."),
            _ => (ConsentStatusKind.InProgress, $"A session on version {latest.Version} is open since {Day(latestAt)} ({Describe(latest.Status)})."),
        };
        var open = LatestOpen(sessions);
        if (open is not null && !ReferenceEquals(open, latest))
        {
            text += $" An earlier session on version {open.Version}, started on {Day(open.CreatedAt)}, is still open.";
        }
        return latest.Status == SessionStatus.Withdrawn
            ? new WorkflowConsentStatus(workflowId, status, latest.SessionId, latest.RecordSha256, latest.Version, latest.SignedAt, expiresAt, text, history)
            : new WorkflowConsentStatus(workflowId, status, latest.SessionId, latest.RecordSha256, latest.Version, null, null, text, history);
    }

    private static ConsentSessionSummary? LatestOpen(ArraySegment<ConsentSessionSummary> sessions)
    {
        ConsentSessionSummary? open = null;
        foreach (var session in sessions)
        {
            if (IsOpen(session.Status) && (open is null || session.CreatedAt > open.CreatedAt
                || (session.CreatedAt == open.CreatedAt && session.SessionId.CompareTo(open.SessionId) > 0)))
            {
                open = session;
            }
        }
        return open;
    }

    private static WorkflowVersionTerms? Find(IReadOnlyList<WorkflowVersionTerms> registry, string workflowId, int version)
    {
        for (var i = 0; i < registry.Count; i++)
        {
            if (registry[i].Version == version && string.Equals(registry[i].WorkflowId, workflowId, StringComparison.Ordinal))
            {
                return registry[i];
            }
        }
        return null;
    }

    private static WorkflowVersionTerms? NewestRequiringReconsent(IReadOnlyList<WorkflowVersionTerms> registry, string workflowId, int signedVersion)
    {
        WorkflowVersionTerms? newest = null;
        for (var i = 0; i < registry.Count; i++)
        {
            var terms = registry[i];
            if (terms.Approved && terms.Reconsent == ReconsentRule.Required && terms.Version > signedVersion
                && string.Equals(terms.WorkflowId, workflowId, StringComparison.Ordinal) && (newest is null || terms.Version > newest.Version))
            {
                newest = terms;
            }
        }
        return newest;
    }

    /// <summary>Workflow id, then signed sessions first in signing order, then the rest; session id breaks ties.</summary>
    private static int BySigning(ConsentSessionSummary a, ConsentSessionSummary b)
    {
        var byWorkflow = string.CompareOrdinal(a.WorkflowId, b.WorkflowId);
        if (byWorkflow != 0)
        {
            return byWorkflow;
        }
        var (aSigned, bSigned) = (IsSigned(a.Status), IsSigned(b.Status));
        if (aSigned != bSigned)
        {
            return aSigned ? -1 : 1;
        }
        var bySigning = aSigned ? a.SignedAt!.Value.CompareTo(b.SignedAt!.Value) : 0;
        return bySigning != 0 ? bySigning : a.SessionId.CompareTo(b.SessionId);
    }

    private static bool IsSigned(SessionStatus status) => status is SessionStatus.Completed or SessionStatus.Withdrawn;

    private static bool IsOpen(SessionStatus status) =>
        status is SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign;

    private static DateTimeOffset EndOf(ConsentSessionSummary session) => session.EndedAt ?? session.CreatedAt;

    private static string Describe(SessionStatus status) => status switch
    {
        SessionStatus.Invited => "invited, not yet opened",
        SessionStatus.InProgress => "the patient is filling it in",
        _ => "waiting for the clinician's countersignature",
    };

    private static string Until(DateTimeOffset? expiresAt) =>
        expiresAt is { } end ? $"; valid until {Day(end)}" : "; it does not expire";

    private static string Requiring(WorkflowVersionTerms? requiring) =>
        requiring is null ? "" : $"; version {requiring.Version} requires re-consent";

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
