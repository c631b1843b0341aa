using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.UseCases.Sessions;
using Consent.Web.WorkflowVersions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>
/// The clinic's patients: register, find, read and correct (<c>/api/v1/patients</c> and the patient pages).
/// </summary>
/// <remarks>
/// <para>One deployment serves one clinic, so "the clinic's own patients" are every patient in its
/// database: every clinician may find and read them (the care team needs a patient's consent status
/// before a dose, whoever started the session), and an auditor reads them all, as with sessions, only
/// after a second factor (StaffSignInCheck). What a session holds beyond its status (answers, questions,
/// the countersignature) stays with the clinician who started it, as before.</para>
/// <para>A correction changes the patient's row and appends what changed, by whom and why, to
/// <c>patient_changes</c>, which the service's database role can only append to. Sessions keep the
/// details they were started with, sealed into their chains, so no signed record ever changes.</para>
/// </remarks>
public sealed class PatientRegistry(ConsentDbContext db, WorkflowRegistry workflows, TimeProvider clock)
{
    /// <summary>The most patients one search returns.</summary>
    public const int MaxLimit = 200;

    private const string InsertIfMrnFree =
        "INSERT INTO patients (id, name, date_of_birth, mrn, email, preferred_language, created_by, created_at, updated_at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (mrn) WHERE mrn IS NOT NULL DO NOTHING";

    /// <summary>The languages a patient may prefer: those some workflow is written in.</summary>
    public IReadOnlyCollection<string> Languages =>
        [.. workflows.Catalog.Workflows.SelectMany(w => w.Definition.Languages).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The clinic's date today, for "a date of birth is not in the future".</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Registers a new patient; an MRN that is already someone's is a conflict naming that patient.</summary>
    public async Task<Outcome<PatientView>> RegisterAsync(PatientDetailsInput? input, Caller caller, CancellationToken ct)
    {
        var (details, errors) = PatientDetailsRules.Check(input, "", Languages, Today);
        if (details is null)
        {
            return new FieldErrors(errors);
        }

        var (patient, existing) = await InsertAsync(details, caller.StaffId!.Value, ct);
        if (patient is null)
        {
            return MrnTaken(details.Mrn!, existing!.Id);
        }

        return PatientView.Of(patient);
    }

    /// <summary>
    /// The patient a session is for: the one with this MRN when its date of birth matches (a different one is
    /// refused: two people cannot share an MRN), else a new patient. A session without an MRN gets a new patient.
    /// </summary>
    public async Task<Outcome<Patient>> FindOrRegisterAsync(CleanPatientDetails details, Guid staffId, CancellationToken ct)
    {
        var (patient, existing) = await InsertAsync(details, staffId, ct);
        if (patient is not null)
        {
            return patient;
        }

        if (existing!.DateOfBirth != details.DateOfBirth)
        {
            return new Refusal(RefusedAs.Conflict, "This MRN belongs to another patient",
                $"MRN {details.Mrn} is registered for a patient with another date of birth. Check the MRN and the date of birth; "
                + "if the registered details are wrong, correct the patient first.",
                new Dictionary<string, object?> { ["patientId"] = existing.Id });
        }

        return existing;
    }

    /// <summary>One patient.</summary>
    public async Task<Outcome<PatientView>> GetAsync(Guid id, CancellationToken ct) =>
        await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct) is { } patient
            ? PatientView.Of(patient)
            : new Missing("No such patient.");

    /// <summary>The patient row itself, for the session start by <c>patientId</c>.</summary>
    public Task<Patient?> FindAsync(Guid id, CancellationToken ct) => db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);

    /// <summary>
    /// Patients by name (every word typed, in any order, forgiving capitals and accents) or by exact MRN, in
    /// name order; with no query, the first patients by name.
    /// </summary>
    public async Task<Outcome<PatientSearchResult>> SearchAsync(PatientSearchInput? input, CancellationToken ct)
    {
        var limit = input?.Limit ?? 50;
        if (limit is < 1 or > MaxLimit)
        {
            return new FieldErrors(new Dictionary<string, string[]> { ["limit"] = [$"The limit must be from 1 to {MaxLimit}."] });
        }

        var query = input?.Query?.Trim() ?? "";
        if (query.Length > PatientDetailsRules.NameLength || TextInput.HasHiddenCharacters(query))
        {
            return new FieldErrors(new Dictionary<string, string[]>
            {
                ["query"] = [$"Search for a name or an MRN of at most {PatientDetailsRules.NameLength} visible characters."],
            });
        }

        var patients = db.Patients.AsNoTracking();
        if (query.Length > 0)
        {
            var byName = PatientNameSearch.Filter(patients, query);
            patients = byName.Union(db.Patients.AsNoTracking().Where(p => p.Mrn == query));
        }

        var found = await patients.OrderBy(p => p.Name).ThenBy(p => p.Id).Take(limit + 1).ToListAsync(ct);
        return new PatientSearchResult([.. found.Take(limit).Select(PatientView.Of)], found.Count > limit);
    }

    /// <summary>Corrects a patient's details: the row changes, and the change is appended to the patient's history.</summary>
    public async Task<Outcome<PatientView>> CorrectAsync(Guid id, PatientCorrectionInput? input, Caller caller, CancellationToken ct)
    {
        var patient = await db.Patients.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (patient is null)
        {
            return new Missing("No such patient.");
        }

        var (reason, reasonError) = TextInput.Clean(input?.Reason, "reason", 500);
        var merged = new PatientDetailsInput(
            input?.Name ?? patient.Name,
            input?.DateOfBirth ?? patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            input?.Mrn ?? patient.Mrn,
            input?.Email ?? patient.Email,
            input?.PreferredLanguage ?? patient.PreferredLanguage);
        var (details, errors) = PatientDetailsRules.Check(merged, "", Languages, Today);
        if (reasonError is not null)
        {
            errors["reason"] = [reasonError];
        }

        if (details is null || errors.Count > 0)
        {
            return new FieldErrors(errors);
        }

        // An empty string clears an optional field (MRN, email, language); absent leaves it.
        var changes = new JsonObject();
        var mrn = input?.Mrn is "" ? null : details.Mrn;
        var email = input?.Email is "" ? null : details.Email;
        var language = input?.PreferredLanguage is "" ? null : details.PreferredLanguage;
        Note(changes, "name", patient.Name, details.Name);
        Note(changes, "dateOfBirth", patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            details.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Note(changes, "mrn", patient.Mrn, mrn);
        Note(changes, "email", patient.Email, email);
        Note(changes, "preferredLanguage", patient.PreferredLanguage, language);
        if (changes.Count == 0)
        {
            return new FieldErrors(new Dictionary<string, string[]> { [""] = ["Nothing would change: give at least one field with a new value."] });
        }

        if (mrn is not null && mrn != patient.Mrn && await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Mrn == mrn, ct) is { } holder)
        {
            return MrnTaken(mrn, holder.Id);
        }

        var now = clock.GetUtcNow();
        patient.Name = details.Name;
        patient.DateOfBirth = details.DateOfBirth;
        patient.Mrn = mrn;
        patient.Email = email;
        patient.PreferredLanguage = language;
        patient.UpdatedAt = now;
        db.PatientChanges.Add(new PatientChange
        {
            PatientId = patient.Id, ChangedAt = now, ChangedBy = caller.StaffId!.Value, Reason = reason!, Changes = changes.ToJsonString(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Mrn == mrn, ct) is { } winner
                ? MrnTaken(mrn!, winner.Id)
                : throw new InvalidOperationException("A unique MRN was refused, yet no patient holds it.", e);
        }

        return PatientView.Of(patient);
    }

    /// <summary>A patient's corrections, oldest first.</summary>
    public Task<List<PatientChange>> ChangesAsync(Guid id, CancellationToken ct) =>
        db.PatientChanges.AsNoTracking().Where(c => c.PatientId == id).OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToListAsync(ct);

    private static Refusal MrnTaken(string mrn, Guid holder) => new(RefusedAs.Conflict, "This MRN belongs to another patient",
        $"MRN {mrn} is already registered for another patient. Open that patient, or check the MRN.",
        new Dictionary<string, object?> { ["patientId"] = holder });

    private static void Note(JsonObject changes, string field, string? from, string? to)
    {
        if (!string.Equals(from, to, StringComparison.Ordinal))
        {
            changes[field] = new JsonObject { ["from"] = from, ["to"] = to };
        }
    }

    /// <summary>
    /// Inserts the patient unless their MRN is taken, in one statement that cannot race another start with the
    /// same MRN; the new patient, or (null, the one holding the MRN).
    /// </summary>
    private async Task<(Patient? Created, Patient? Existing)> InsertAsync(CleanPatientDetails details, Guid staffId, CancellationToken ct)
    {
        var patient = new Patient
        {
            Id = Guid.CreateVersion7(),
            Name = details.Name,
            DateOfBirth = details.DateOfBirth,
            Mrn = details.Mrn,
            Email = details.Email,
            PreferredLanguage = details.PreferredLanguage,
            CreatedBy = staffId,
            CreatedAt = clock.GetUtcNow(),
        };
        patient.UpdatedAt = patient.CreatedAt;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var insert = new NpgsqlCommand(InsertIfMrnFree, connection);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = patient.Id });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = patient.Name });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = patient.DateOfBirth });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)patient.Mrn ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)patient.Email ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)patient.PreferredLanguage ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = staffId });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = patient.CreatedAt });
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
            {
                return (patient, null);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return (null, await db.Patients.AsNoTracking().SingleAsync(p => p.Mrn == details.Mrn, ct));
    }
}
