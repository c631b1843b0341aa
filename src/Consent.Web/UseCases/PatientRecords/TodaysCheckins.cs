using Consent.Web.Data;
using Consent.Web.SignedRecords;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>One patient on the day's check-in list: a consent a check-in relies on, and today's check-in for it, if any.</summary>
/// <param name="ConsentStatus">The consent's status now (<c>valid</c> or <c>expiring</c>; the list holds only those).</param>
/// <param name="Today">The latest check-in started today (the clinic's day) on <paramref name="CheckinWorkflowId"/>; null when none.</param>
public sealed record TodaysCheckinRow(
    Guid PatientId, string Name, string? Mrn, string ConsentWorkflowId, string ConsentStatus, DateTimeOffset? ConsentExpiresAt,
    string CheckinWorkflowId, string CheckinTitle, TodaysCheckin? Today);

/// <summary>Today's check-in of a patient: its session, status, when it started and whether the caller started it (their page opens to them).</summary>
public sealed record TodaysCheckin(Guid SessionId, string Status, DateTimeOffset StartedAt, bool Mine);

/// <summary>The day's list and how many patients are on it.</summary>
public sealed record TodaysCheckinList(DateOnly Day, int Patients, IReadOnlyList<TodaysCheckinRow> Rows);

/// <summary>
/// The clinician's list of today's patients (<c>/clinician/checkins</c>): every patient whose consent to a workflow that a
/// check-in <c>requires</c> is in force (valid or expiring), with today's check-in on it (by the clinic's day,
/// <c>Consent:TimeZone</c>) or a way to start one. Patients with a check-in held come first, then those still
/// checking in, then those not started, then those done.
/// </summary>
/// <remarks>
/// The candidates are the patients with a completed session of such a consent, most recently completed first, up to
/// <paramref name="limit"/>; their status is computed as everywhere else (<see cref="PatientConsents"/>,
/// <see cref="ConsentStatus.Compute"/>), so a withdrawn, expired or superseded consent never lists a patient.
/// </remarks>
public sealed class TodaysCheckins(ConsentDbContext db, PatientConsents consents, WorkflowRegistry workflows, ClinicSettings clinic, TimeProvider clock)
{
    public async Task<TodaysCheckinList> ListAsync(Guid? me, int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, clinic.TimeZone).DateTime);
        var dayStarts = StartOf(day);

        // Each check-in workflow once (its newest version's title), by the consent it requires.
        var checkins = workflows.Catalog.Workflows.Where(w => w.Definition is { IsCheckin: true, Requires: not null })
            .GroupBy(w => w.Definition.Id, StringComparer.Ordinal)
            .Select(g => g.MaxBy(w => w.Definition.Version)!.Definition)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var required = checkins.Select(c => c.Requires!).Distinct(StringComparer.Ordinal).ToList();
        if (required.Count == 0)
        {
            return new TodaysCheckinList(day, 0, []);
        }

        var completed = nameof(SessionStatus.Completed);
        var candidates = await db.Sessions.AsNoTracking()
            .Where(s => required.Contains(s.WorkflowId) && s.Status == completed)
            .GroupBy(s => s.PatientId)
            .Select(g => new { PatientId = g.Key, Last = g.Max(s => s.CompletedAt) })
            .OrderByDescending(x => x.Last).Take(limit)
            .Select(x => x.PatientId)
            .ToListAsync(ct);
        var summaries = await consents.SummariesAsync(candidates, now, ct);
        var terms = await consents.TermsAsync(ct);
        var checkinIds = checkins.Select(c => c.Id).ToList();
        var today = await db.Sessions.AsNoTracking()
            .Where(s => candidates.Contains(s.PatientId) && checkinIds.Contains(s.WorkflowId) && s.CreatedAt >= dayStarts)
            .Select(s => new { s.Id, s.PatientId, s.WorkflowId, s.Status, s.CreatedAt, s.CreatedBy })
            .ToListAsync(ct);
        var patients = await db.Patients.AsNoTracking().Where(p => candidates.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.Mrn }).ToDictionaryAsync(p => p.Id, ct);

        var rows = new List<TodaysCheckinRow>();
        foreach (var patientId in candidates)
        {
            if (!patients.TryGetValue(patientId, out var patient))
            {
                continue;
            }

            var statuses = ConsentStatus.Compute(summaries.GetValueOrDefault(patientId) ?? [], terms, now);
            foreach (var checkin in checkins)
            {
                if (statuses.FirstOrDefault(s => s.WorkflowId == checkin.Requires) is not { Status: ConsentStatusKind.Valid or ConsentStatusKind.Expiring } consent)
                {
                    continue;
                }

                var latest = today.Where(s => s.PatientId == patientId && s.WorkflowId == checkin.Id).MaxBy(s => s.CreatedAt);
                rows.Add(new TodaysCheckinRow(patientId, patient.Name, patient.Mrn, consent.WorkflowId, ConsentStatus.Name(consent.Status), consent.ExpiresAt,
                    checkin.Id, checkin.Title.For("en"),
                    latest is null ? null : new TodaysCheckin(latest.Id, latest.Status, latest.CreatedAt, latest.CreatedBy == me)));
            }
        }

        return new TodaysCheckinList(day, rows.Select(r => r.PatientId).Distinct().Count(),
            [.. rows.OrderBy(r => Order(r.Today?.Status)).ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)]);
    }

    /// <summary>Held first (a clinician is needed), then checking in, then not started, then done.</summary>
    private static int Order(string? status) => status switch
    {
        nameof(SessionStatus.Held) => 0,
        nameof(SessionStatus.Invited) or nameof(SessionStatus.InProgress) => 1,
        null => 2,
        _ => 3,
    };

    /// <summary>The moment the clinic's day begins, in UTC.</summary>
    private DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, clinic.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }
}
