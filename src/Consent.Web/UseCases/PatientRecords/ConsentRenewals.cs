using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Mail;
using Consent.Web.Settings;
using Consent.Web.Ui;
using Consent.Web.UseCases.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>What one run of the renewal job did.</summary>
public sealed record RenewalScan(bool Ran, int PatientsChecked, int Raised, int Resolved, int LinksStarted);

/// <summary>One consent that needs renewing, as the clinician's lists show it.</summary>
/// <param name="Id">The renewal.</param>
/// <param name="Kind"><c>expiring</c> or <c>reconsent-due</c>.</param>
/// <param name="OpenSessionId">A session on this workflow still open for the patient (a re-consent under way), if any.</param>
public sealed record RenewalView(
    Guid Id, Guid PatientId, string PatientName, string? Mrn, string WorkflowId, string WorkflowTitle, string Kind, int Version,
    DateTimeOffset? ExpiresAt, string Reason, DateTimeOffset RaisedAt, Guid ClinicianId, Guid? OpenSessionId, DateTimeOffset? OpenSince);

/// <summary>The open renewals of a list: the first ones, and how many there are in all.</summary>
public sealed record RenewalList(int Total, IReadOnlyList<RenewalView> Renewals);

/// <summary>Several re-consents at once (<c>POST /api/v1/renewals/reconsent</c> and the "Consents to renew" page).</summary>
public sealed record BulkReconsentInput(IReadOnlyList<Guid>? RenewalIds);

/// <summary>What became of one renewal of a bulk re-consent: started (with the link, shown once), or why not.</summary>
public sealed record BulkReconsentResult(
    Guid RenewalId, Guid? PatientId, string? PatientName, string? WorkflowId, string? WorkflowTitle, Guid? SessionId, string? PatientUrl, bool Emailed,
    string? Problem);

/// <summary>
/// Consents over a course of treatment come due: the renewal job (<see cref="RenewalMonitor"/>) finds every patient
/// whose consent to a workflow is <c>expiring</c> or <c>reconsent-due</c> (<see cref="ConsentStatus.Compute"/>) and
/// raises it, once per consent and kind, in the "Needs you" list of the clinician who obtained it; it resolves the
/// renewal when the status moves on (re-consented, withdrawn, expired). Optionally
/// (<see cref="RenewalOptions.EmailNewLink"/>) it starts the re-consent itself and emails the patient the link.
/// Clinicians re-consent from the list one patient or many at a time (<see cref="StartManyAsync"/>).
/// </summary>
/// <remarks>
/// 21 CFR 50.25(b)(5): significant new findings that may relate to the subject's willingness to continue are given
/// to the subject. A version marked <c>reconsent: required</c> is the ethics-approved statement that its changes are
/// such findings; the renewal makes sure someone acts on it before the next dose.
/// </remarks>
public sealed class ConsentRenewals(
    ConsentDbContext db, PatientConsents consents, PatientReconsent reconsent, WorkflowRegistry workflows, MailSettings mail,
    IOptions<RenewalOptions> options, IOptions<ClinicOptions> clinic, TimeProvider clock, ILogger<ConsentRenewals> logger)
{
    /// <summary>Renewals a bulk re-consent takes at most, so one request stays short.</summary>
    public const int MostPerBulk = 100;

    /// <summary>What the job records as the browser of the sessions it starts (with no address): the service's own job.</summary>
    public const string JobUserAgent = "Consent renewal job (Renewals:EmailNewLink)";

    /// <summary>Patients per batch of the job: two queries for their sessions and records, one for their renewals.</summary>
    private const int BatchSize = 500;

    /// <summary>The advisory lock that lets one node at a time run the job (any number may be started).</summary>
    private const long JobLock = 0x436F6E73656E7452; // "ConsentR"

    private static readonly string[] OpenStatuses =
        [nameof(SessionStatus.Invited), nameof(SessionStatus.InProgress), nameof(SessionStatus.AwaitingCountersign)];

    /// <summary>One run of the job: raise what became due, resolve what no longer is, and (when set) start and mail the re-consents.</summary>
    public async Task<RenewalScan> ScanAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await TryLockAsync(ct))
            {
                logger.LogInformation("The renewal job runs on another node now; this one skips its turn.");
                return new RenewalScan(false, 0, 0, 0, 0);
            }

            try
            {
                return await ScanLockedAsync(ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({JobLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<bool> TryLockAsync(CancellationToken ct) =>
        await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({JobLock}) AS \"Value\"").SingleAsync(ct);

    private async Task<RenewalScan> ScanLockedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var terms = await consents.TermsAsync(ct);
        var (checkedCount, raised, resolved) = (0, new List<ConsentRenewal>(), 0);
        var after = Guid.Empty;
        while (true)
        {
            // Every patient with a signed consent in force could be due; every one with an open renewal may be resolved.
            var batch = await db.Database.SqlQuery<Guid>($"""
                SELECT patient_id AS "Value" FROM (
                    SELECT patient_id FROM consent_sessions WHERE status = 'Completed'
                    UNION SELECT patient_id FROM consent_renewals WHERE resolved_at IS NULL) p
                WHERE patient_id > {after} ORDER BY patient_id LIMIT {BatchSize}
                """).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            after = batch[^1];
            checkedCount += batch.Count;
            var (newOnes, closed) = await ScanBatchAsync(batch, terms, now, ct);
            raised.AddRange(newOnes);
            resolved += closed;
            db.ChangeTracker.Clear();
        }

        var started = options.Value.EmailNewLink ? await StartAndMailAsync(raised, ct) : 0;
        logger.LogInformation("Renewal job: {Patients} patients checked, {Raised} renewals raised, {Resolved} resolved, {Started} re-consent links emailed.",
            checkedCount, raised.Count, resolved, started);
        return new RenewalScan(true, checkedCount, raised.Count, resolved, started);
    }

    private async Task<(List<ConsentRenewal> Raised, int Resolved)> ScanBatchAsync(
        List<Guid> batch, IReadOnlyList<WorkflowVersionTerms> terms, DateTimeOffset now, CancellationToken ct)
    {
        var summaries = await consents.SummariesAsync(batch, now, ct);
        var known = await db.Renewals.Where(r => batch.Contains(r.PatientId)).ToListAsync(ct);
        var due = new List<(Guid PatientId, WorkflowConsentStatus Status)>();
        var resolved = 0;
        foreach (var patientId in batch)
        {
            var statuses = ConsentStatus.Compute(summaries.GetValueOrDefault(patientId) ?? [], terms, now);
            foreach (var status in statuses.Where(s => s.Status is ConsentStatusKind.Expiring or ConsentStatusKind.ReconsentDue && s.SessionId is not null))
            {
                var kind = ConsentStatus.Name(status.Status);
                if (!known.Any(r => r.SessionId == status.SessionId && r.Kind == kind))
                {
                    due.Add((patientId, status));
                }
            }

            foreach (var open in known.Where(r => r.PatientId == patientId && r.ResolvedAt is null))
            {
                var current = statuses.FirstOrDefault(s => s.WorkflowId == open.WorkflowId);
                if (current is null || current.SessionId != open.SessionId || ConsentStatus.Name(current.Status) != open.Kind)
                {
                    open.ResolvedAt = now;
                    open.Resolution = Clip(current is null ? "The workflow is no longer in the registry."
                        : $"Now {ConsentStatus.Name(current.Status)}: {current.Reason}", 200);
                    resolved++;
                }
            }
        }

        var sessionIds = due.Select(d => d.Status.SessionId!.Value).ToList();
        var clinicians = await db.Sessions.AsNoTracking().Where(s => sessionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.CreatedBy, ct);
        var raised = due.Select(d => new ConsentRenewal
        {
            Id = Guid.CreateVersion7(now),
            PatientId = d.PatientId,
            WorkflowId = d.Status.WorkflowId,
            Kind = ConsentStatus.Name(d.Status.Status),
            SessionId = d.Status.SessionId!.Value,
            RecordSha256 = d.Status.RecordSha256,
            Version = d.Status.Version ?? 0,
            ClinicianId = clinicians[d.Status.SessionId!.Value],
            ExpiresAt = d.Status.ExpiresAt,
            Reason = Clip(d.Status.Reason, 500),
            RaisedAt = now,
        }).ToList();
        await db.SaveChangesAsync(ct); // the resolutions
        var inserted = new List<ConsentRenewal>(raised.Count);
        foreach (var r in raised)
        {
            // ON CONFLICT: a list or a bulk request refreshing the same patients at the same moment raised it first.
            if (await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO consent_renewals (id, patient_id, workflow_id, kind, session_id, record_sha256, version, clinician_id, expires_at, reason, raised_at)
                    VALUES ({r.Id}, {r.PatientId}, {r.WorkflowId}, {r.Kind}, {r.SessionId}, {r.RecordSha256}, {r.Version}, {r.ClinicianId}, {r.ExpiresAt}, {r.Reason}, {r.RaisedAt})
                    ON CONFLICT (session_id, kind) DO NOTHING
                    """, ct) == 1)
            {
                inserted.Add(r);
            }
        }

        return (inserted, resolved);
    }

    /// <summary>
    /// Brings the renewals of these patients up to date now, as the job would: a renewal whose consent was since
    /// renewed, withdrawn or ran out is resolved, and one that came due is raised. Lists and bulk re-consent call it
    /// first, so nobody is asked to renew what the patient already renewed.
    /// </summary>
    private async Task RefreshAsync(List<Guid> patientIds, CancellationToken ct)
    {
        if (patientIds.Count > 0)
        {
            await ScanBatchAsync(patientIds, await consents.TermsAsync(ct), clock.GetUtcNow(), ct);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// <see cref="RenewalOptions.EmailNewLink"/>: for each renewal just raised whose patient has an email address and whose
    /// clinician can still act, the re-consent starts in that clinician's name (the event records this job as the browser)
    /// and the invitation mail carries the new link (<see cref="PatientMail"/>).
    /// </summary>
    private async Task<int> StartAndMailAsync(List<ConsentRenewal> raised, CancellationToken ct)
    {
        if (raised.Count == 0)
        {
            return 0;
        }

        if (!mail.Enabled || string.IsNullOrWhiteSpace(clinic.Value.PublicBaseUrl))
        {
            logger.LogWarning("Renewals:EmailNewLink is on, but {Missing} is not set up: no re-consent link was emailed.",
                mail.Enabled ? "Consent:PublicBaseUrl" : "mail (Smtp:Host)");
            return 0;
        }

        var patientIds = raised.Select(r => r.PatientId).Distinct().ToList();
        var emails = await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.Id) && p.Email != null).Select(p => p.Id).ToListAsync(ct);
        var clinicianIds = raised.Select(r => r.ClinicianId).Distinct().ToList();
        var active = await (from u in db.Users.AsNoTracking()
                            join ur in db.UserRoles on u.Id equals ur.UserId
                            join role in db.Roles on ur.RoleId equals role.Id
                            where clinicianIds.Contains(u.Id) && u.DeactivatedAt == null && role.Name == StaffRoles.Clinician
                            select u.Id).ToListAsync(ct);
        var started = 0;
        foreach (var renewal in raised.Where(r => emails.Contains(r.PatientId)))
        {
            if (!active.Contains(renewal.ClinicianId))
            {
                logger.LogWarning("Renewal {RenewalId}: the clinician who obtained the consent can no longer act, so no link was emailed; it waits in the clinic's list.", renewal.Id);
                continue;
            }

            var outcome = await reconsent.StartAsync(renewal.PatientId, new ReconsentInput(renewal.WorkflowId), JobCaller(renewal.ClinicianId), ct);
            if (outcome is Outcome<StartedSession>.Ok { Value: var session })
            {
                await AnswerAsync(renewal.Id, session.Id, ct);
                started++;
            }
            else
            {
                logger.LogInformation("Renewal {RenewalId}: no re-consent was started ({Outcome}).", renewal.Id, Describe(outcome));
            }
        }

        return started;
    }

    private Caller JobCaller(Guid clinicianId) => new(
        new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, clinicianId.ToString()), new Claim(ClaimTypes.Role, StaffRoles.Clinician)], "renewal-job")),
        null, JobUserAgent, clinic.Value.PublicBaseUrl!.TrimEnd('/'));

    /// <summary>The open renewals: all of the clinic's, or one clinician's (their "Needs you"), those expiring soonest first.</summary>
    public async Task<RenewalList> ListAsync(Guid? clinicianId, int take, CancellationToken ct)
    {
        var open = db.Renewals.AsNoTracking().Where(r => r.ResolvedAt == null && (clinicianId == null || r.ClinicianId == clinicianId));
        var shown = await open.OrderBy(r => r.ExpiresAt == null).ThenBy(r => r.ExpiresAt).Select(r => r.PatientId).Take(take).ToListAsync(ct);
        await RefreshAsync([.. shown.Distinct()], ct);
        var total = await open.CountAsync(ct);
        var rows = await (from r in open
                          join p in db.Patients.AsNoTracking() on r.PatientId equals p.Id
                          orderby r.ExpiresAt == null, r.ExpiresAt, p.Name, r.Id
                          select new { Renewal = r, p.Name, p.Mrn }).Take(take).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var patientIds = rows.Select(r => r.Renewal.PatientId).Distinct().ToList();
        var openSessions = await db.Sessions.AsNoTracking()
            .Where(s => patientIds.Contains(s.PatientId) && OpenStatuses.Contains(s.Status)
                && (s.Status == nameof(SessionStatus.AwaitingCountersign) || s.ExpiresAt > now))
            .Select(s => new { s.Id, s.PatientId, s.WorkflowId, s.CreatedAt }).ToListAsync(ct);
        return new RenewalList(total, [.. rows.Select(row =>
        {
            var r = row.Renewal;
            var session = openSessions.Where(s => s.PatientId == r.PatientId && s.WorkflowId == r.WorkflowId).MaxBy(s => s.CreatedAt);
            return new RenewalView(r.Id, r.PatientId, row.Name, row.Mrn, r.WorkflowId, TitleOf(r.WorkflowId, r.Version), r.Kind, r.Version, r.ExpiresAt, r.Reason, r.RaisedAt,
                r.ClinicianId, session?.Id, session?.CreatedAt);
        })]);
    }

    /// <summary>
    /// Bulk re-consent: each chosen renewal that is still open gets its re-consent (<see cref="PatientReconsent"/>), started by
    /// the caller; each answer says what happened, so one refusal (say a session already open) does not stop the rest.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<BulkReconsentResult>>> StartManyAsync(BulkReconsentInput? input, Caller caller, CancellationToken ct)
    {
        var ids = input?.RenewalIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0)
        {
            return FieldErrors.One("renewalIds", "Choose at least one patient to ask again.");
        }

        if (ids.Count > MostPerBulk)
        {
            return FieldErrors.One("renewalIds", $"Choose at most {MostPerBulk} patients at a time.");
        }

        await RefreshAsync(await db.Renewals.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => r.PatientId).Distinct().ToListAsync(ct), ct);
        var renewals = await (from r in db.Renewals.AsNoTracking()
                              join p in db.Patients.AsNoTracking() on r.PatientId equals p.Id
                              where ids.Contains(r.Id)
                              select new { Renewal = r, p.Name, p.Email }).ToDictionaryAsync(r => r.Renewal.Id, ct);
        var results = new List<BulkReconsentResult>(ids.Count);
        foreach (var id in ids)
        {
            if (!renewals.TryGetValue(id, out var row))
            {
                results.Add(new BulkReconsentResult(id, null, null, null, null, null, null, false, "No such renewal."));
                continue;
            }

            var r = row.Renewal;
            var title = TitleOf(r.WorkflowId, r.Version);
            if (r.ResolvedAt is not null)
            {
                results.Add(new BulkReconsentResult(id, r.PatientId, row.Name, r.WorkflowId, title, null, null, false, "No longer due: " + r.Resolution));
                continue;
            }

            var outcome = await reconsent.StartAsync(r.PatientId, new ReconsentInput(r.WorkflowId), caller, ct);
            if (outcome is Outcome<StartedSession>.Ok { Value: var started })
            {
                await AnswerAsync(r.Id, started.Id, ct);
                results.Add(new BulkReconsentResult(id, r.PatientId, row.Name, r.WorkflowId, title, started.Id, started.PatientUrl,
                    mail.Enabled && !string.IsNullOrEmpty(row.Email), null));
            }
            else
            {
                results.Add(new BulkReconsentResult(id, r.PatientId, row.Name, r.WorkflowId, title, null, null, false, Describe(outcome)));
            }
        }

        return results;
    }

    private string TitleOf(string workflowId, int version) =>
        workflows.Find(workflowId, version)?.Definition.Title.For(StaffNotes.Language) ?? workflowId;

    /// <summary>Names the re-consent session that answers a renewal (the first one; a later one does not replace it).</summary>
    private async Task AnswerAsync(Guid renewalId, Guid sessionId, CancellationToken ct) =>
        await db.Renewals.Where(r => r.Id == renewalId && r.ReconsentSessionId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ReconsentSessionId, sessionId), ct);

    private static string Describe<T>(Outcome<T> outcome) => outcome switch
    {
        Outcome<T>.Refused { Refusal: var refusal } => refusal.Reason,
        Outcome<T>.Invalid { Errors: var errors } => string.Join(" ", errors.Values.SelectMany(m => m)),
        Outcome<T>.NotFound { Detail: var detail } => detail ?? "Not found.",
        _ => "Done.",
    };

    private static string Clip(string text, int most) => text.Length <= most ? text : text[..(most - 1)] + "…";
}
