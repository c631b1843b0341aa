using Consent.Web.Audit;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Hosting;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Consent.Web.WorkflowVersions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Patients;

/// <summary>
/// The migration that brings patients to a database filled by the code before it: signed sessions with
/// their records are made by the service, the migration is taken back down (its Down leaves exactly the
/// schema and rows of before), then applied again, and every chain and record still verifies.
/// </summary>
public sealed class PatientsMigrationTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    private const string Before = "20261130111516_StaffAndReviewSeals";

    [Fact]
    public async Task SessionsWithTheSameMrnAndBirthDateShareAPatient_OthersGetTheirOwn_AndEveryChainAndRecordStillVerifies()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var signed = await RecordSessions.CompleteAsync(driver); // MRN-0042, born 1975-06-30
        await RecordSessions.WaitForRecordAsync(driver.Clinician, signed.Id);
        var sameMrn = await driver.StartAsync(mrn: "MRN-0042");
        var noMrn1 = await driver.StartAsync();
        var noMrn2 = await driver.StartAsync();
        var otherBirthDate = await StartBypassingTheMrnCheckAsync("MRN-0042", new DateOnly(1957, 6, 30)); // made as the old code allowed

        await using (var owner = OwnerContext())
        {
            await owner.GetService<IMigrator>().MigrateAsync(Before);
            Assert.Equal(0, await ScalarAsync(owner, "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('patients', 'patient_changes')"));
            await DatabaseRoles.MigrateAndGrantAsync(owner, ConsentWebFactory.RuntimeRole, CancellationToken.None);
        }

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var sessions = await db.Sessions.AsNoTracking().ToDictionaryAsync(s => s.Id);
        var patients = await db.Patients.AsNoTracking().ToDictionaryAsync(p => p.Id);
        Assert.Equal(sessions[signed.Id].PatientId, sessions[sameMrn.Id].PatientId);
        Assert.Equal(4, new[] { signed.Id, noMrn1.Id, noMrn2.Id, otherBirthDate }.Select(s => sessions[s].PatientId).Distinct().Count());
        Assert.Equal(4, patients.Count);
        var shared = patients[sessions[signed.Id].PatientId];
        Assert.Equal((PatientDriver.PatientName, new DateOnly(1975, 6, 30), "en"), (shared.Name, shared.DateOfBirth, shared.PreferredLanguage));
        Assert.Equal(sessions[signed.Id].CreatedAt, shared.CreatedAt);

        // MRN-0042 was typed with two birth dates; an MRN is unique, so the group seen last keeps it.
        Assert.Null(shared.Mrn);
        Assert.Equal("MRN-0042", patients[sessions[otherBirthDate].PatientId].Mrn);
        Assert.All(sessions.Values.Where(s => s.PatientMrn == "MRN-0042"), s => Assert.Equal("MRN-0042", s.PatientMrn));
        Assert.Null(patients[sessions[noMrn1.Id].PatientId].Mrn);

        var audit = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
        Assert.True(audit.Clean, string.Join("; ", audit.Findings.Select(f => f.What)));
        Assert.Equal(5, audit.SessionsChecked);
        Assert.True(audit.RecordsChecked >= 1);
        Assert.Equal(0, await ScalarAsync(db, "SELECT count(*) FROM consent_sessions WHERE patient_id IS NULL"));
        Assert.Equal(0, await ScalarAsync(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'consent_sessions' AND column_name = 'patient_id' AND column_default IS NOT NULL"));
    }

    private async Task<Guid> StartBypassingTheMrnCheckAsync(string mrn, DateOnly dateOfBirth)
    {
        using var scope = factory.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ConsentDbContext>();
        var workflow = services.GetRequiredService<WorkflowRegistry>().Catalog.Latest("ketamine-iv-depression")!;
        var clinician = await db.Users.AsNoTracking().SingleAsync(u => u.Email == Staff.Clinician);
        var patient = new Patient { Id = Guid.CreateVersion7(), Name = "Another Person", DateOfBirth = dateOfBirth, CreatedBy = clinician.Id, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Patients.Add(patient);
        await db.SaveChangesAsync();
        var session = new ConsentSession
        {
            Id = Guid.CreateVersion7(), WorkflowId = workflow.Definition.Id, WorkflowVersion = workflow.Definition.Version, WorkflowHash = workflow.Hash,
            Language = "en", PatientId = patient.Id, PatientName = patient.Name, PatientDateOfBirth = dateOfBirth, PatientMrn = mrn,
            LinkTokenHash = LinkTokens.Hash(LinkTokens.Create()), CreatedBy = clinician.Id,
        };
        var (created, _) = await services.GetRequiredService<SessionWriter>().CreateAsync(
            session, workflow, PatientBinding.Digest(session), new Actor(clinician.Id.ToString(), null, null), CancellationToken.None);
        return created.Id;
    }

    private ConsentDbContext OwnerContext() => new(new DbContextOptionsBuilder<ConsentDbContext>()
        .UseNpgsql(factory.OwnerConnectionString).UseSnakeCaseNamingConvention().Options);

    private static async Task<long> ScalarAsync(ConsentDbContext db, string sql)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
