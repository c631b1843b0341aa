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
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT ((upper(mrn))) WHERE mrn IS NOT NULL DO NOTHING";

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

        // The same MRN and birth date under another name is either a typing error or someone else's consent
        // about to be filed on this patient (it would replace their consent in force): staff must choose.
        if (!Consent.Workflows.PersonNames.Match(details.Name, existing.Name))
        {
            return new Refusal(RefusedAs.Conflict, "This MRN is registered under another name",
                $"MRN {details.Mrn} with this date of birth is registered under another name. Check the name; start the session for "
                + "the registered patient (patientId), or correct the patient's name first if it is wrong.",
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

        // Names are stored composed (NFC); a query typed or pasted decomposed ("Jose\u0301") must find them too.
        var query = (input?.Query?.Trim() ?? "").Normalize(System.Text.NormalizationForm.FormC);
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
            var key = PatientDetailsRules.MrnKey(query);
            patients = byName.Union(db.Patients.AsNoTracking().Where(ByMrnKey(key)));
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
        var mrn = Clears(input?.Mrn) ? null : details.Mrn;
        var email = Clears(input?.Email) ? null : details.Email;
        var language = Clears(input?.PreferredLanguage) ? null : details.PreferredLanguage;
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

        if (mrn is not null && await HolderAsync(mrn, ct) is { } holder && holder.Id != patient.Id)
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
        catch (DbUpdateConcurrencyException)
        {
            // Another correction of this patient was saved since this one read the row: applying this one
            // would overwrite it and record a "from" that was no longer true.
            db.ChangeTracker.Clear();
            return new Refusal(RefusedAs.Conflict, "The patient was changed meanwhile",
                "Someone else corrected this patient's details a moment ago. Read them again and correct what is still wrong.");
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            var winner = await HolderAsync(mrn!, ct);
            return winner is not null ? MrnTaken(mrn!, winner.Id)
                : new Refusal(RefusedAs.Conflict, "The MRN was taken meanwhile", $"MRN {mrn} changed hands a moment ago; try again.");
        }

        return PatientView.Of(patient);
    }

    /// <summary>A patient's corrections, oldest first.</summary>
    public Task<List<PatientChange>> ChangesAsync(Guid id, CancellationToken ct) =>
        db.PatientChanges.AsNoTracking().Where(c => c.PatientId == id).OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToListAsync(ct);

    private static bool Clears(string? sent) => sent is not null && string.IsNullOrWhiteSpace(sent);

    /// <summary>The patient holding an MRN, compared ignoring capitals as the unique index does.</summary>
    private Task<Patient?> HolderAsync(string mrn, CancellationToken ct)
    {
        var key = PatientDetailsRules.MrnKey(mrn);
        return db.Patients.AsNoTracking().SingleOrDefaultAsync(ByMrnKey(key), ct);
    }

#pragma warning disable CA1304, CA1311, CA1862 // Runs in PostgreSQL as upper(mrn) = key, the expression the unique index is on.
    private static System.Linq.Expressions.Expression<Func<Patient, bool>> ByMrnKey(string key) => p => p.Mrn != null && p.Mrn.ToUpper() == key;
#pragma warning restore CA1304, CA1311, CA1862

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
        // The holder can vanish between the refused insert and the look-up (a correction moved the MRN away):
        // then the insert is tried again, a few times at most.
        for (var attempt = 0; ; attempt++)
        {
            if (await TryInsertAsync(patient, ct))
            {
                return (patient, null);
            }

            if (await HolderAsync(details.Mrn!, ct) is { } holder)
            {
                return (null, holder);
            }

            if (attempt == 4)
            {
                throw new InvalidOperationException($"MRN {details.Mrn} was refused as taken five times, yet no patient holds it.");
            }
        }
    }

    private async Task<bool> TryInsertAsync(Patient patient, CancellationToken ct)
    {
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
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = patient.CreatedBy });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = patient.CreatedAt });
            return await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
