using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Patients;

/// <summary>Patients as a first-class record: register, find, read, correct, and sessions that belong to them.</summary>
public sealed class PatientsApiTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private static string NewMrn() => "MRN-P-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task AClinicianRegistersAPatient_AndReadsThemBack_AndAnMrnCannotBeRegisteredTwice()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();

        var created = await clinician.PostAsJsonAsync("/api/v1/patients",
            new { name = " Ana Beltrán ", dateOfBirth = "1981-04-12", mrn, email = "ana@patient.example", preferredLanguage = "es" });
        var again = await clinician.PostAsJsonAsync("/api/v1/patients", new { name = "Someone Else", dateOfBirth = "1990-01-01", mrn });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var patient = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = patient["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/v1/patients/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Ana Beltrán", patient["name"]!.GetValue<string>());
        Assert.Equal("es", patient["preferredLanguage"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonObject>())!["patientId"]!.GetValue<Guid>());

        var read = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{id}"))!;
        Assert.Equal(mrn, read["patient"]!["mrn"]!.GetValue<string>());
        Assert.Equal("1981-04-12", read["patient"]!["dateOfBirth"]!.GetValue<string>());
        Assert.Empty(read["sessions"]!.AsArray());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM patients WHERE mrn = $1", mrn));
    }

    [Fact]
    public async Task BadDetails_AreAProblemPerField_AndRegisterNobody()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var before = await CountAsync("SELECT count(*) FROM patients");

        var response = await clinician.PostAsJsonAsync("/api/v1/patients",
            new { name = "  ", dateOfBirth = "2999-01-01", mrn = "MRN\u200B1", email = "not an address", preferredLanguage = "fr" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["dateOfBirth", "email", "mrn", "name", "preferredLanguage"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM patients"));
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync($"/api/v1/patients/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task SessionsStartedWithTheSameMrnAndBirthDate_BelongToOnePatient_AndADifferentBirthDateIsRefused()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var sessionsBefore = await CountAsync("SELECT count(*) FROM consent_sessions");

        var first = await StartAsync(clinician, new { name = "Jo Park", dateOfBirth = "1970-02-03", mrn });
        var second = await StartAsync(clinician, new { name = "Jo Park", dateOfBirth = "1970-02-03", mrn });
        var wrongBirthDate = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en", patient = new { name = "Jo Park", dateOfBirth = "1970-03-02", mrn },
        });
        var withoutMrn1 = await StartAsync(clinician, new { name = "Jo Park", dateOfBirth = "1970-02-03" });
        var withoutMrn2 = await StartAsync(clinician, new { name = "Jo Park", dateOfBirth = "1970-02-03" });

        var owner1 = await PatientOfAsync(first);
        Assert.Equal(owner1, await PatientOfAsync(second));
        Assert.Equal(HttpStatusCode.Conflict, wrongBirthDate.StatusCode);
        Assert.Equal(owner1, (await wrongBirthDate.Content.ReadFromJsonAsync<JsonObject>())!["patientId"]!.GetValue<Guid>());
        Assert.Equal(sessionsBefore + 4, await CountAsync("SELECT count(*) FROM consent_sessions"));
        Assert.NotEqual(await PatientOfAsync(withoutMrn1), await PatientOfAsync(withoutMrn2));
        Assert.DoesNotContain(owner1, new[] { await PatientOfAsync(withoutMrn1), await PatientOfAsync(withoutMrn2) });

        var timeline = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{owner1}"))!;
        Assert.Equal([second, first], timeline["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<Guid>()));
        Assert.All(timeline["sessions"]!.AsArray(), s => Assert.Equal("Invited", s!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TheSameMrnAndBirthDateUnderAnotherName_IsRefused_AndMrnsCompareWithoutCapitalsOrLookAlikes()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var alice = await RegisterAsync(clinician, new { name = "Alice Ward", dateOfBirth = "1980-02-03", mrn });
        var sessionsBefore = await CountAsync("SELECT count(*) FROM consent_sessions");

        var otherName = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en", patient = new { name = "Mallory Stone", dateOfBirth = "1980-02-03", mrn },
        });
        var sameNameOtherCase = await StartAsync(clinician, new { name = "alice WARD", dateOfBirth = "1980-02-03", mrn = mrn.ToLowerInvariant() });
        var lowerCaseRegistration = await clinician.PostAsJsonAsync("/api/v1/patients", new { name = "Alice Ward", dateOfBirth = "1980-02-03", mrn = mrn.ToLowerInvariant() });
        var cyrillic = await clinician.PostAsJsonAsync("/api/v1/patients", new { name = "Alice Ward", dateOfBirth = "1980-02-03", mrn = "МRN-1" });
        var unicodeHyphen = await clinician.PostAsJsonAsync("/api/v1/patients", new { name = "Alice Ward", dateOfBirth = "1980-02-03", mrn = "MRN‐1" });

        Assert.Equal(HttpStatusCode.Conflict, otherName.StatusCode);
        Assert.Equal(alice, (await otherName.Content.ReadFromJsonAsync<JsonObject>())!["patientId"]!.GetValue<Guid>());
        Assert.Equal(alice, await PatientOfAsync(sameNameOtherCase));
        Assert.Equal(HttpStatusCode.Conflict, lowerCaseRegistration.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, cyrillic.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unicodeHyphen.StatusCode);
        Assert.Equal(sessionsBefore + 1, await CountAsync("SELECT count(*) FROM consent_sessions"));
    }

    [Fact]
    public async Task CorrectionsAtTheSameMoment_NeverOverwriteEachOther_AndTheHistoryChains()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var patient = await RegisterAsync(clinician, new { name = "Lost Update", dateOfBirth = "1971-01-01" });

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            clinician.PostAsJsonAsync($"/api/v1/patients/{patient}/corrections", new { name = $"Lost Update {i}", reason = $"r{i}" })));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var timeline = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patient}"))!;
        var names = timeline["corrections"]!.AsArray().Select(c => (From: c!["changes"]!["name"]!["from"]!.GetValue<string>(), To: c["changes"]!["name"]!["to"]!.GetValue<string>())).ToList();
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.OK), names.Count);
        Assert.Equal("Lost Update", names[0].From);
        for (var i = 1; i < names.Count; i++)
        {
            Assert.Equal(names[i - 1].To, names[i].From);
        }

        Assert.Equal(names[^1].To, timeline["patient"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASessionStartedForARegisteredPatient_TakesTheirDetails_AndBothWaysAtOnceIsRefused()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var patient = await RegisterAsync(clinician, new { name = "Ravi Menon", dateOfBirth = "1966-09-30", mrn, email = "ravi@patient.example" });

        var started = await clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "en", patientId = patient });
        var both = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en", patientId = patient, patient = new { name = "Ravi Menon", dateOfBirth = "1966-09-30" },
        });
        var unknown = await clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "en", patientId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var session = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!;
        Assert.Equal("Ravi Menon", session["patient"]!["name"]!.GetValue<string>());
        Assert.Equal(mrn, session["patient"]!["mrn"]!.GetValue<string>());
        Assert.Equal(patient, session["patientId"]!.GetValue<Guid>());
        Assert.Equal(patient, await PatientOfAsync(id));
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("patient", (await both.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("patientId", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task ACorrection_ChangesThePatient_IsKeptWithWhoAndWhy_AndNeverTouchesTheSessionsDetails()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var mrn = NewMrn();
        var session = await StartAsync(clinician, new { name = "Lee Smyth", dateOfBirth = "1958-12-01", mrn });
        var patient = await PatientOfAsync(session);

        var noReason = await clinician.PostAsJsonAsync($"/api/v1/patients/{patient}/corrections", new { name = "Lee Smith" });
        var corrected = await clinician.PostAsJsonAsync($"/api/v1/patients/{patient}/corrections",
            new { name = "Lee Smith", email = "lee@patient.example", reason = "Surname misspelt at intake; checked against the photo ID." });
        var nothing = await clinician.PostAsJsonAsync($"/api/v1/patients/{patient}/corrections", new { name = "Lee Smith", reason = "again" });

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        var timeline = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patient}"))!;
        Assert.Equal("Lee Smith", timeline["patient"]!["name"]!.GetValue<string>());
        var correction = Assert.Single(timeline["corrections"]!.AsArray())!;
        Assert.Equal("Surname misspelt at intake; checked against the photo ID.", correction["reason"]!.GetValue<string>());
        Assert.Equal("Lee Smyth", correction["changes"]!["name"]!["from"]!.GetValue<string>());
        Assert.Equal("Lee Smith", correction["changes"]!["name"]!["to"]!.GetValue<string>());
        Assert.Null(correction["changes"]!["email"]!["from"]);
        Assert.Equal("Lee Smyth", (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{session}"))!["patient"]!["name"]!.GetValue<string>());

        // The service's own role can append a correction but never rewrite one.
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var rewrite = new NpgsqlCommand("UPDATE patient_changes SET reason = 'nothing happened' WHERE patient_id = $1", connection);
        rewrite.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = patient });
        var refused = await Assert.ThrowsAsync<PostgresException>(() => rewrite.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task Search_FindsByAnyWordsOfTheNameWithoutAccents_OrByExactMrn_AndTheAuditorReadsButCannotRegister()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var auditor = await factory.ClientForAsync(Staff.Auditor);
        var mrn = NewMrn();
        var marker = "Zúñiga" + Guid.NewGuid().ToString("N")[..6];
        var id = await RegisterAsync(clinician, new { name = $"María José {marker}-López", dateOfBirth = "1979-07-07", mrn });
        await RegisterAsync(clinician, new { name = $"Pedro {marker}", dateOfBirth = "1980-08-08" });

        var byWords = await SearchAsync(auditor, $"{marker.Replace("Zúñiga", "zuniga", StringComparison.Ordinal)} maria");
        var byMrn = await SearchAsync(clinician, mrn.ToLowerInvariant());
        var decomposed = await SearchAsync(clinician, $"Maria Jose\u0301 {marker.Replace("Zúñiga", "Zu\u0301n\u0303iga", StringComparison.Ordinal)}");
        var bothOfThem = await SearchAsync(clinician, marker.Replace("Zúñiga", "ZUÑIGA", StringComparison.Ordinal), limit: 1);
        var auditorRegisters = await auditor.PostAsJsonAsync("/api/v1/patients", new { name = "X Y", dateOfBirth = "1970-01-01" });
        var auditorCorrects = await auditor.PostAsJsonAsync($"/api/v1/patients/{id}/corrections", new { name = "X Y", reason = "r" });
        var reviewer = await factory.ClientForAsync(Staff.Reviewer);

        Assert.Equal([id], byWords["patients"]!.AsArray().Select(p => p!["id"]!.GetValue<Guid>()));
        Assert.Equal([id], byMrn["patients"]!.AsArray().Select(p => p!["id"]!.GetValue<Guid>()));
        Assert.Equal([id], decomposed["patients"]!.AsArray().Select(p => p!["id"]!.GetValue<Guid>()));
        Assert.Single(bothOfThem["patients"]!.AsArray());
        Assert.True(bothOfThem["more"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, auditorRegisters.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, auditorCorrects.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/patients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync($"/api/v1/patients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync("/api/v1/patients/search", new { query = mrn })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/patients/search", new { query = "x", limit = 0 })).StatusCode);
    }

    private static async Task<JsonObject> SearchAsync(HttpClient client, string query, int? limit = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/patients/search", new { query, limit });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<Guid> RegisterAsync(HttpClient clinician, object patient)
    {
        var response = await clinician.PostAsJsonAsync("/api/v1/patients", patient);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> StartAsync(HttpClient clinician, object patient)
    {
        var response = await clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "en", patient });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private async Task<Guid> PatientOfAsync(Guid session)
    {
        await using var connection = await factory.OpenOwnerDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT patient_id FROM consent_sessions WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = session });
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> CountAsync(string sql, string? parameter = null)
    {
        await using var connection = await factory.OpenOwnerDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
