using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>The consent part of the gate: the status of the patient's consent to the workflow, and its record.</summary>
public sealed record GateConsent(string Status, string? RecordSha256, int? Version, DateTimeOffset? ExpiresAt);

/// <summary>The check-in part of the gate: the latest check-in for the consent, and when it was cleared (or ended).</summary>
public sealed record GateCheckin(string Status, DateTimeOffset? At);

/// <summary>
/// The consent gate's answer (<c>GET /api/v1/patients/{id}/gate</c>, <c>POST /api/v1/gate/lookup</c>, and the CDS Hooks cards):
/// <see cref="Allowed"/> only when the consent is in force and a check-in was cleared today.
/// </summary>
public sealed record GateView(Guid PatientId, string Workflow, bool Allowed, GateConsent Consent, GateCheckin? Checkin, IReadOnlyList<string> Reasons)
{
    /// <summary>Whether the consent itself is in force (<c>valid</c> or <c>expiring</c>), whatever the check-in.</summary>
    public bool ConsentInForce => Consent.Status is "valid" or "expiring";
}

/// <summary>A patient found by MRN (<see cref="ConsentGate.GateByMrnAsync"/>) and the gate for each workflow asked about.</summary>
public sealed record GatePatient(Guid Id, DateOnly DateOfBirth, IReadOnlyDictionary<string, GateView> Views);

/// <summary>The body of <c>POST /api/v1/gate/lookup</c>: the patient by MRN and date of birth, so an MRN never appears in an address.</summary>
public sealed record GateLookupInput(string? Mrn, string? DateOfBirth, string? Workflow);

/// <summary>
/// The consent gate: may this patient be dosed under this consent workflow now? Yes only when the consent is in force
/// (<c>valid</c>, or <c>expiring</c>: still in force, with a reason saying it ends soon) and a check-in requiring that
/// consent was cleared today, "today" being the clinic's day in <c>Consent:TimeZone</c>.
/// </summary>
/// <remarks>
/// Issue 14 says "allowed only when the consent is valid". <c>expiring</c> is a consent in force that ends within the
/// version's notice: the same issue lets a check-in start while the consent is valid or expiring, so an expiring consent
/// allows a dose too, and its reason says when it ends. <c>reconsent-due</c> (in force, but a newer version requires
/// re-consent) does not allow a dose: the clinic must re-consent first.
/// </remarks>
public sealed class ConsentGate(
    ConsentDbContext db, WorkflowRegistry workflows, PatientConsents consents, GateTerms terms, ClinicSettings clinic, TimeProvider clock)
{
    /// <summary>The gate for a patient by id.</summary>
    public async Task<Outcome<GateView>> CheckAsync(Guid patientId, string? workflow, CancellationToken ct)
    {
        if (WorkflowError(workflow) is { } error)
        {
            return error;
        }

        if (!await db.Patients.AsNoTracking().AnyAsync(p => p.Id == patientId, ct))
        {
            return new Missing("No such patient.");
        }

        return await GateAsync(patientId, workflow!.Trim(), ct);
    }

    /// <summary>The gate for a patient by MRN and date of birth; no match (or another date of birth) is the same not found.</summary>
    public async Task<Outcome<GateView>> LookupAsync(GateLookupInput? input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var mrn = input?.Mrn?.Trim();
        if (string.IsNullOrEmpty(mrn) || mrn.Length > 64 || !PatientDetailsRules.IsMrn(mrn))
        {
            errors["mrn"] = ["Give the patient's MRN (letters, digits, spaces and - . / _ #, at most 64)."];
        }

        var dateOfBirth = PatientDetailsRules.ParseDateOfBirth(input?.DateOfBirth, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (dateOfBirth is null)
        {
            errors["dateOfBirth"] = ["Give the patient's date of birth as YYYY-MM-DD."];
        }

        if (WorkflowError(input?.Workflow) is { } workflowError)
        {
            foreach (var (field, messages) in workflowError.Errors)
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return new FieldErrors(errors);
        }

        var patient = await FindByMrnAsync(mrn!, ct);
        if (patient is null || patient.DateOfBirth != dateOfBirth)
        {
            return new Missing("No patient has this MRN and date of birth.");
        }

        return await GateAsync(patient.Id, input!.Workflow!.Trim(), ct);
    }

    /// <summary>The patient holding an MRN, compared ignoring capitals as the unique index on <c>upper(mrn)</c> does.</summary>
    public Task<Patient?> FindByMrnAsync(string mrn, CancellationToken ct)
    {
        var key = PatientDetailsRules.MrnKey(mrn.Trim());
#pragma warning disable CA1304, CA1311, CA1862 // Runs in PostgreSQL as upper(mrn) = key, the expression the unique index is on.
        return db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Mrn != null && p.Mrn.ToUpper() == key, ct);
#pragma warning restore CA1304, CA1311, CA1862
    }

    /// <summary>The gate for a patient known to exist and a workflow known to the registry.</summary>
    public async Task<GateView> GateAsync(Guid patientId, string workflow, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var read = await ReadAsync(patientId, null, [workflow], now, ct); // not there (any more): no sessions, as before
        return View(patientId, workflow, read, await terms.GetAsync(read.TermsFingerprint, consents, ct), now);
    }

    /// <summary>
    /// The patient holding an MRN (as <see cref="FindByMrnAsync"/> finds them) and the gate for each of
    /// <paramref name="workflowIds"/> (consent workflows known to the registry), read in one round trip; null when no
    /// patient holds the MRN. The caller still compares the date of birth.
    /// </summary>
    public async Task<GatePatient?> GateByMrnAsync(string mrn, IReadOnlyList<string> workflowIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await ReadAsync(null, PatientDetailsRules.MrnKey(mrn.Trim()), workflowIds, now, ct) is not { Found: true } read)
        {
            return null;
        }

        var registry = await terms.GetAsync(read.TermsFingerprint, consents, ct);
        return new GatePatient(read.PatientId, read.DateOfBirth,
            workflowIds.Distinct(StringComparer.Ordinal).ToDictionary(w => w, w => View(read.PatientId, w, read, registry, now), StringComparer.Ordinal));
    }

    /// <summary>The gate's answer from what <see cref="ReadAsync"/> read.</summary>
    private GateView View(Guid patientId, string workflow, GateRead read, IReadOnlyList<WorkflowVersionTerms> registry, DateTimeOffset now)
    {
        var status = ConsentStatus.Compute(read.Sessions, registry, now).SingleOrDefault(s => s.WorkflowId == workflow);
        var consent = status is null
            ? new GateConsent(ConsentStatus.Name(ConsentStatusKind.None), null, null, null)
            : new GateConsent(ConsentStatus.Name(status.Status), status.RecordSha256, status.Version, status.ExpiresAt);
        var reasons = new List<string>();
        if (status is null || status.Status is not (ConsentStatusKind.Valid or ConsentStatusKind.Expiring))
        {
            reasons.Add($"No valid consent to {workflow}: the status is {consent.Status}" + (status is null ? "." : $" ({status.Reason})."));
        }
        else if (status.Status == ConsentStatusKind.Expiring)
        {
            reasons.Add($"The consent expires at {status.ExpiresAt:O}: renew it soon.");
        }

        var latest = read.Checkins.GetValueOrDefault(workflow);
        var (checkin, clearedToday) = Checkin(latest, now);
        // A check-in stands on the consent in force when it started (its chain's reliesOn). One that started before the
        // consent now in force was signed stood on an earlier one, since withdrawn or replaced: that morning's "I still
        // agree today" was not given under this consent, so it does not open the gate.
        var underEarlierConsent = latest is not null && status?.SignedAt is { } signedAt && latest.CreatedAt < signedAt;
        if (!clearedToday)
        {
            reasons.Add($"No check-in was cleared today ({ClinicDate(now):yyyy-MM-dd} in the clinic's time zone)"
                + (checkin is null ? "." : $": the latest check-in is {checkin.Status}."));
        }
        else if (underEarlierConsent)
        {
            reasons.Add("Today's check-in was cleared under an earlier consent, before the consent now in force was signed: a new check-in is needed.");
            clearedToday = false;
        }

        var inForce = status?.Status is ConsentStatusKind.Valid or ConsentStatusKind.Expiring;
        return new GateView(patientId, workflow, inForce && clearedToday, consent, checkin, reasons);
    }

    /// <summary>The consent workflows the gate can be asked about (not check-ins).</summary>
    public bool IsConsentWorkflow(string id) => workflows.Catalog.Workflows.Any(w => w.Definition.Id == id && w.Definition.Kind == WorkflowKind.Consent);

    /// <summary>The clinic's date at a moment (<c>Consent:TimeZone</c>).</summary>
    private DateOnly ClinicDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, clinic.TimeZone).DateTime);

    /// <summary>A session row of the patient's latest check-in for a consent workflow.</summary>
    private sealed record CheckinRow(string Status, DateTimeOffset? CompletedAt, DateTimeOffset UpdatedAt, DateTimeOffset CreatedAt);

    /// <summary>What the gate reads per call: the patient, their consent sessions, their latest check-ins, and the terms' fingerprint.</summary>
    private sealed record GateRead(
        bool Found, Guid PatientId, DateOnly DateOfBirth, List<ConsentSessionSummary> Sessions, Dictionary<string, CheckinRow> Checkins, string TermsFingerprint);

    /// <summary>
    /// The latest check-in (<paramref name="latest"/>: by start, of any check-in workflow that requires the consent), and
    /// whether it was cleared today: status <c>Cleared</c> with its clearing time (<c>completed_at</c>, set by SessionWriter
    /// when a check-in becomes Cleared) on the clinic's date today.
    /// </summary>
    private (GateCheckin? Checkin, bool ClearedToday) Checkin(CheckinRow? latest, DateTimeOffset now)
    {
        if (latest is null)
        {
            return (null, false);
        }

        var cleared = latest.Status == nameof(SessionStatus.Cleared) && latest.CompletedAt is { } at && ClinicDate(at) == ClinicDate(now);
        var ended = latest.Status is nameof(SessionStatus.Cleared) ? latest.CompletedAt ?? latest.UpdatedAt
            : latest.Status is nameof(SessionStatus.Held) or nameof(SessionStatus.NotToday) ? latest.UpdatedAt
            : (DateTimeOffset?)null;
        return (new GateCheckin(latest.Status, ended), cleared);
    }

    /// <summary>
    /// A fingerprint of every row the version terms' approvals are judged from (<see cref="WorkflowApprovals.ApprovedAsync"/>):
    /// a row's <c>ctid</c> and <c>xmin</c> change with any insert, update or delete, so an equal fingerprint means the same rows.
    /// </summary>
    private const string TermsFingerprintSql =
        "SELECT md5(coalesce((SELECT string_agg(ctid::text || xmin::text, ',' ORDER BY ctid) FROM workflow_versions), '') || '|' "
        + "|| coalesce((SELECT string_agg(ctid::text || xmin::text, ',' ORDER BY ctid) FROM workflow_reviews WHERE seq IS NOT NULL), ''))";

    /// <summary>
    /// Everything one gate answer needs, in one round trip (one <see cref="NpgsqlBatch"/>): the terms' fingerprint; the
    /// patient (by id, or by <c>upper(mrn)</c> as the unique index <c>ix_patients_mrn_upper</c> is on) with, in the same
    /// statement, their consent sessions and each one's consent and withdrawal records (the rows
    /// <see cref="PatientConsents.SummariesAsync(Guid, DateTimeOffset, CancellationToken)"/> reads); and for each workflow the
    /// latest check-in requiring it; not <see cref="GateRead.Found"/> when there is no such patient.
    /// </summary>
    /// <remarks>
    /// The sessions, records and check-ins are read fresh on every call, never cached: a withdrawn, voided or lapsed
    /// consent turns the gate (and the CDS card critical) on the very next call. Only the version terms are kept per node
    /// (<see cref="GateTerms"/>), and only while the fingerprint read here is the one they were built under.
    /// </remarks>
    private async Task<GateRead> ReadAsync(Guid? patientId, string? mrnKey, IReadOnlyList<string> workflowIds, DateTimeOffset now, CancellationToken ct)
    {
        var checkinWorkflows = workflows.Catalog.Workflows.Where(w => w.Definition.IsCheckin).Select(w => w.Definition).ToList();
        var allCheckins = checkinWorkflows.Select(w => w.Id).Distinct(StringComparer.Ordinal).ToArray();
        var asked = workflowIds.Distinct(StringComparer.Ordinal)
            .Select(w => (Workflow: w, Checkins: checkinWorkflows.Where(c => c.Requires == w).Select(c => c.Id).Distinct(StringComparer.Ordinal).ToArray()))
            .Where(w => w.Checkins.Length > 0).ToList();
        var byMrn = patientId is null;
        NpgsqlParameter Key() => patientId is { } id ? new NpgsqlParameter<Guid> { TypedValue = id } : new NpgsqlParameter<string> { TypedValue = mrnKey! };
        NpgsqlParameter Names(string[] names) => new NpgsqlParameter<string[]> { TypedValue = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
        batch.BatchCommands.Add(new NpgsqlBatchCommand(TermsFingerprintSql));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            // The records as subqueries (each one row at most: the index on (session_id, kind) is unique), not joins: with
            // two more joins the generic plan is costed above the custom one, and PostgreSQL planned the statement anew
            // on every call (pg_prepared_statements: custom_plans only), 40 % of its CPU in the benchmark.
            "SELECT p.id, p.date_of_birth, s.id, s.workflow_id, s.workflow_version, s.status, s.created_at, s.updated_at, s.completed_at, "
            + "s.expires_at, (SELECT c.sha256 FROM consent_records c WHERE c.session_id = s.id AND c.kind = 'Consent'), "
            + "(SELECT w.issued_at FROM consent_records w WHERE w.session_id = s.id AND w.kind = 'Withdrawal') FROM patients p "
            + "LEFT JOIN consent_sessions s ON s.patient_id = p.id AND NOT (s.workflow_id = ANY($2)) " // a check-in neither gives nor takes consent
            + (byMrn ? "WHERE upper(p.mrn) = $1 AND p.mrn IS NOT NULL" : "WHERE p.id = $1"))
        {
            Parameters = { Key(), Names(allCheckins) },
        });
        foreach (var (_, checkins) in asked)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT patient_id, status, completed_at, updated_at, created_at FROM consent_sessions WHERE patient_id = "
                + (byMrn ? "(SELECT id FROM patients WHERE upper(mrn) = $1 AND mrn IS NOT NULL)" : "$1")
                + " AND workflow_id = ANY($2) ORDER BY created_at DESC, id DESC LIMIT 1")
            {
                Parameters = { Key(), Names(checkins) },
            });
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var fingerprint = reader.GetString(0);
            await reader.NextResultAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new GateRead(false, patientId ?? Guid.Empty, default, [], [], fingerprint);
            }

            var (id, born) = (reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1));
            var sessions = new List<ConsentSessionSummary>();
            do
            {
                if (!reader.IsDBNull(2))
                {
                    sessions.Add(PatientConsents.Summary(reader.GetGuid(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5),
                        reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7), Nullable<DateTimeOffset>(reader, 8),
                        reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetString(10), Nullable<DateTimeOffset>(reader, 11), now));
                }
            }
            while (await reader.ReadAsync(ct));

            var latest = new Dictionary<string, CheckinRow>(StringComparer.Ordinal);
            foreach (var (workflow, _) in asked)
            {
                await reader.NextResultAsync(ct);
                // By MRN this statement finds the patient again: should the MRN have moved to someone else in between,
                // their check-in is not this patient's, and the gate says no check-in (never another person's clearance).
                if (await reader.ReadAsync(ct) && reader.GetGuid(0) == id)
                {
                    latest[workflow] = new CheckinRow(reader.GetString(1), Nullable<DateTimeOffset>(reader, 2), reader.GetFieldValue<DateTimeOffset>(3),
                        reader.GetFieldValue<DateTimeOffset>(4));
                }
            }

            return new GateRead(true, id, born, sessions, latest, fingerprint);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    private FieldErrors? WorkflowError(string? workflow) =>
        string.IsNullOrWhiteSpace(workflow) ? FieldErrors.One("workflow", "Name the consent workflow, such as ketamine-iv-depression.")
        : !IsConsentWorkflow(workflow.Trim()) ? FieldErrors.One("workflow",
            $"No consent workflow is called {(workflow.Trim().Length > 80 ? workflow.Trim()[..80] + "…" : workflow.Trim())}.")
        : null;
}

/// <summary>
/// The consent version terms (<see cref="PatientConsents.TermsAsync"/>: the registry's versions, approved as their sealed
/// ethics decisions say) kept per node, so that the gate does not read and check the approvals on every call. They are
/// used only while the fingerprint of the approval rows, which the gate reads in the same round trip as the patient's
/// sessions, is the one they were built under: any decision recorded, on any node, or any change to those rows builds
/// them again on the next call. The consent status itself is never cached (see <c>ConsentGate.ReadAsync</c>).
/// </summary>
public sealed class GateTerms
{
    private volatile Built? built;

    /// <summary>The terms for <paramref name="fingerprint"/>, read through <paramref name="consents"/> when they are not the ones held.</summary>
    public async Task<IReadOnlyList<WorkflowVersionTerms>> GetAsync(string fingerprint, PatientConsents consents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(consents);
        if (built is { } known && known.Fingerprint == fingerprint)
        {
            return known.Terms;
        }

        // Read after the fingerprint was: the terms are at least as new as it, and a change in between only means
        // the next call's fingerprint differs and they are read again.
        var terms = await consents.TermsAsync(ct);
        built = new Built(fingerprint, terms);
        return terms;
    }

    private sealed record Built(string Fingerprint, IReadOnlyList<WorkflowVersionTerms> Terms);
}
