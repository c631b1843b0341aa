using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Sessions;

/// <summary>What staff read of sessions: the list (clinicians their own, auditors all) and one session with its state.</summary>
public sealed class SessionReads(
    ConsentDbContext db, SessionWriter writer, StaffSessions staffSessions, WorkflowVersions.WorkflowRegistry workflows, Hosting.AuditReads reads)
{
    /// <summary>The kinds of session the list can be narrowed to (<see cref="SessionFilter.Kind"/>).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["consent", "checkin"];

    /// <remarks>An auditor's search may be served by the read source (<see cref="Hosting.AuditReads"/>); a clinician's list reads the primary.</remarks>
    public async Task<List<SessionSummary>> ListAsync(SessionFilter filter, ClaimsPrincipal user, CancellationToken ct)
    {
        var query = (await reads.ForAsync(user, ct)).Sessions.AsNoTracking();
        var me = user.IsInRole(StaffRoles.Auditor) ? null : StaffAccess.UserId(user);
        if (!user.IsInRole(StaffRoles.Auditor))
        {
            query = query.Where(s => s.CreatedBy == me);
        }

        if (filter.From is not null)
        {
            query = query.Where(s => s.CreatedAt >= filter.From);
        }

        if (filter.To is not null)
        {
            query = query.Where(s => s.CreatedAt < filter.To);
        }

        if (!string.IsNullOrEmpty(filter.WorkflowId))
        {
            query = query.Where(s => s.WorkflowId == filter.WorkflowId);
        }

        if (!string.IsNullOrEmpty(filter.Status))
        {
            query = query.Where(s => s.Status == filter.Status);
        }

        if (!string.IsNullOrEmpty(filter.Mrn))
        {
            // The API matches exactly, as it always has; the audit page forgives case ("mrn-0042" finds "MRN-0042").
            // ILIKE with the MRN as a literal: its % or _ are characters, not wildcards.
            var mrn = filter.Mrn;
            var pattern = mrn.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
            query = filter.MrnIgnoringCase
                ? query.Where(s => EF.Functions.ILike(s.PatientMrn!, pattern, @"\"))
                : query.Where(s => s.PatientMrn == mrn);
        }

        if (!string.IsNullOrWhiteSpace(filter.PatientName))
        {
            query = PatientNameSearch.Filter(query, filter.PatientName);
        }

        var checkins = workflows.Catalog.Workflows.Where(w => w.Definition.IsCheckin).Select(w => w.Definition.Id).Distinct(StringComparer.Ordinal).ToList();
        if (filter.Kind == "checkin")
        {
            query = query.Where(s => checkins.Contains(s.WorkflowId));
        }
        else if (filter.Kind == "consent")
        {
            query = query.Where(s => !checkins.Contains(s.WorkflowId));
        }

        var list = await query.OrderByDescending(s => s.CreatedAt).Take(Math.Clamp(filter.Limit ?? 100, 1, 500))
            .Select(s => new SessionSummary(s.Id, s.Status, s.WorkflowId, s.WorkflowVersion, s.Language, s.PatientName, s.PatientMrn,
                s.CreatedAt, s.UpdatedAt, s.CompletedAt, "consent"))
            .ToListAsync(ct);
        list = [.. list.Select(s => checkins.Contains(s.WorkflowId) ? s with { Kind = "checkin" } : s)];
        if (me is not { } clinician)
        {
            return list;
        }

        // The row's creator has no seal: a session is a clinician's only when its first event says so too.
        var mine = await staffSessions.StartedByAsync([.. list.Select(s => s.Id)], clinician, ct);
        return [.. list.Where(s => mine.Contains(s.Id))];
    }

    public async Task<Outcome<SessionDetail>> DetailAsync(Guid id, ClaimsPrincipal user, CancellationToken ct) =>
        await staffSessions.ReadableAsync(id, user, ct) is { } session
            ? SessionDetail.From(session, (await writer.OpenAsync(session, ct)).State)
            : Missing.Session;

    /// <summary>A session the clinician started, with its workflow, its state and its latest events (the clinician's session page).</summary>
    public async Task<Outcome<ClinicianSession>> OwnAsync(Guid id, ClaimsPrincipal user, int recentEvents, CancellationToken ct)
    {
        if (await staffSessions.ActableAsync(id, user, ct) is not { } session)
        {
            return Missing.Session;
        }

        var (workflow, state) = await writer.OpenAsync(session, ct);
        var recent = await db.Events.AsNoTracking().Where(e => e.SessionId == id).OrderByDescending(e => e.Seq).Take(recentEvents).ToListAsync(ct);
        return new ClinicianSession(session, workflow, state, recent);
    }
}

/// <summary>Which sessions to list; every part is optional.</summary>
/// <remarks>
/// <paramref name="MrnIgnoringCase"/> and <paramref name="PatientName"/> are the audit page's: its
/// search is posted, so neither an MRN nor a name ends up in an address or a log. The API's
/// <c>GET /api/v1/sessions</c> takes neither (a name in a query string would be logged).
/// <paramref name="Kind"/> narrows the list to consents (<c>consent</c>) or dose-day check-ins (<c>checkin</c>).
/// </remarks>
public sealed record SessionFilter(
    DateTimeOffset? From, DateTimeOffset? To, string? WorkflowId, string? Status, string? Mrn, int? Limit,
    bool MrnIgnoringCase = false, string? PatientName = null, string? Kind = null);

/// <summary>A session as its clinician works on it.</summary>
public sealed record ClinicianSession(ConsentSession Session, LoadedWorkflow Workflow, SessionState State, IReadOnlyList<ConsentEvent> RecentEvents);
