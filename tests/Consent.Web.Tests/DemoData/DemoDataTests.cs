using System.Text.RegularExpressions;
using Consent.Records;
using Consent.Web.Audit;
using Consent.Web.Cli;
using Consent.Web.DemoData;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.DemoData;

/// <summary>
/// A Development service whose data folder (certificates) the <c>seed-demo-data</c> command shares, run as its own process
/// the way scripts/run.sh --demo-data runs it. The host runs no outbox worker: the command runs its jobs itself, at the
/// story's times, and a worker here would race it. The first test that needs the demo data runs the command once.
/// </summary>
public class DemoDataFactory : RecordsWebFactory
{
    private readonly Lazy<Task<ServiceProcess.Result>> seeded;

    public DemoDataFactory() => seeded = new(() => SeedAsync());

    protected override bool RunsOutboxWorker => false;

    /// <summary>The first run of the command on this database.</summary>
    public Task<ServiceProcess.Result> Seeded => seeded.Value;

    /// <summary>Runs <c>seed-demo-data</c> against this factory's database and data folder, as the service's own role.</summary>
    public Task<ServiceProcess.Result> SeedAsync(string environment = "Development") => ServiceProcess.RunAsync(new Dictionary<string, string>
    {
        ["ConnectionStrings__Consent"] = ConnectionString,
        ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        ["CONSENT_DATA_DIR"] = DataDirectory,
        ["CONSENT_DEMO_PASSWORD"] = DemoPassword,
        ["ASPNETCORE_ENVIRONMENT"] = environment,
    }, DemoDataVerb.Name);

    /// <summary>The demo patients registered now: MRN to id.</summary>
    public async Task<Dictionary<string, Guid>> DemoPatientsAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT mrn, id FROM patients WHERE mrn LIKE 'DEMO-%'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var patients = new Dictionary<string, Guid>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            patients[reader.GetString(0)] = reader.GetGuid(1);
        }

        return patients;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// Issue 13: <c>seed-demo-data</c> seeds about twenty patients across every status through the real use cases, signing real
/// records under a clock set back by up to thirteen months; the service, on its real clock, then shows each status and
/// the audit finds every chain and record sound.
/// </summary>
public sealed class DemoDataTests(DemoDataFactory factory) : IClassFixture<DemoDataFactory>
{
    private static readonly string[] EveryStatus =
        ["valid", "expiring", "expired", "reconsent-due", "withdrawn", "declined", "referred", "in-progress", "none"];

    [Fact]
    public async Task Seeding_GivesEveryStatus_AsTheServiceSeesIt_OnItsRealClock()
    {
        var run = await factory.Seeded;
        Assert.True(run.ExitCode == 0, run.All);
        Assert.DoesNotContain("PROBLEM", run.Output, StringComparison.Ordinal);

        var patients = await factory.DemoPatientsAsync();
        Assert.Equal(DemoPatients.All.Count, patients.Count);
        Assert.InRange(patients.Count, 18, 25);
        var statuses = new Dictionary<string, ConsentStatusView>(StringComparer.Ordinal);
        using var scope = factory.Services.CreateScope();
        var consents = scope.ServiceProvider.GetRequiredService<PatientConsents>();
        foreach (var patient in DemoPatients.All)
        {
            var view = Assert.IsType<Outcome<PatientConsentsView>.Ok>(await consents.GetAsync(patients[patient.Mrn], CancellationToken.None)).Value;
            statuses[patient.Mrn] = view.Consents.Single(c => c.WorkflowId == patient.WorkflowId);
            Assert.True(statuses[patient.Mrn].Status == patient.Expected, $"{patient.Mrn}: {statuses[patient.Mrn].Status}, not {patient.Expected}: {statuses[patient.Mrn].Reason}");
        }

        Assert.Empty(EveryStatus.Except(statuses.Values.Select(s => s.Status)));
        Assert.Contains(statuses.Values, s => s.Records.Any(r => r.State == "superseded") && s.Status == "valid");

        // The back-dated consents are as old as the story says: expired more than a year after signing, expiring within the notice.
        var now = DateTimeOffset.UtcNow;
        var expired = statuses.Values.Single(s => s.Status == "expired");
        Assert.True(expired.SignedAt < now.AddMonths(-12) && expired.ExpiresAt < now, expired.Reason);
        var expiring = statuses.Values.Single(s => s.Status == "expiring");
        Assert.InRange(expiring.ExpiresAt!.Value, now, now.AddDays(30));
        Assert.True(expiring.SignedAt < now.AddMonths(-11), expiring.Reason);
        Assert.Contains(statuses.Values, s => s.Status == "reconsent-due" && s.Version == 1);
        Assert.Contains(patients.Keys, mrn => DemoPatients.All.Single(p => p.Mrn == mrn).Language == "es");
    }

    [Fact]
    public async Task AfterSeeding_EveryChainAndRecordVerifies_AndTheKeyRingHoldsNoBackDatedKey()
    {
        Assert.Equal(0, (await factory.Seeded).ExitCode);
        using var scope = factory.Services.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
        Assert.True(report.Clean, string.Join("\n", report.Findings.Select(f => $"{f.SessionId}: {f.What}")));
        Assert.True(report.RecordsChecked >= 18, $"{report.RecordsChecked} records");

        // Every record carries a signing time from the story (some over a year back) that its certificate covers.
        var signing = factory.Services.GetRequiredService<RecordSigning>();
        await using var connection = await factory.OpenDatabaseAsync();
        await using (var records = new NpgsqlCommand("SELECT pdf, issued_at FROM consent_records", connection))
        await using (var reader = await records.ExecuteReaderAsync())
        {
            var oldest = DateTimeOffset.MaxValue;
            while (await reader.ReadAsync())
            {
                var verification = RecordVerifier.Verify((byte[])reader[0], signing.Certificate);
                Assert.True(verification.IsValid, string.Join(" ", verification.Problems));
                oldest = reader.GetFieldValue<DateTimeOffset>(1) < oldest ? reader.GetFieldValue<DateTimeOffset>(1) : oldest;
            }

            Assert.True(oldest < DateTimeOffset.UtcNow.AddMonths(-12), $"the oldest record was issued {oldest:O}");
        }

        // Data Protection keeps its own (system) clock: no key in the ring was made with a date in the story's past.
        await using var keys = new NpgsqlCommand("SELECT xml FROM data_protection_keys", connection);
        await using var keyReader = await keys.ExecuteReaderAsync();
        while (await keyReader.ReadAsync())
        {
            var created = DateTimeOffset.Parse(Regex.Match(keyReader.GetString(0), "<creationDate>([^<]+)</creationDate>").Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(created > DateTimeOffset.UtcNow.AddHours(-1), $"a Data Protection key was created {created:O}");
        }
    }

    [Fact]
    public async Task RunningItAgain_AddsNothing()
    {
        Assert.Equal(0, (await factory.Seeded).ExitCode);
        var sessions = await factory.CountAsync("consent_sessions");
        var events = await factory.CountAsync("consent_events");

        var again = await factory.SeedAsync();

        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains($"Seeded 0 demo patient(s); {DemoPatients.All.Count} were there already", again.Output, StringComparison.Ordinal);
        Assert.Equal(DemoPatients.All.Count, (await factory.DemoPatientsAsync()).Count);
        Assert.Equal(sessions, await factory.CountAsync("consent_sessions"));
        Assert.Equal(events, await factory.CountAsync("consent_events"));
    }

    [Fact]
    public async Task OutsideDevelopment_ItRefuses_AndChangesNothing()
    {
        var patients = await factory.CountAsync("patients");

        var refused = await factory.SeedAsync("Production");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("seed-demo-data runs in Development only (ASPNETCORE_ENVIRONMENT is Production)", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.All, StringComparison.Ordinal);
        Assert.Equal(patients, await factory.CountAsync("patients"));
    }
}

/// <summary>A Development data folder holding a signing certificate made the way earlier versions made it: valid from five minutes before.</summary>
public sealed class OldCertificateFactory : DemoDataFactory
{
    public OldCertificateFactory()
    {
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllBytes(Path.Combine(DataDirectory, RecordSigning.DevelopmentFileName), SigningCertificates.CreateDevelopmentCertificate("Old development records"));
    }
}

/// <summary>
/// Records signed before their certificate's validity do not verify, so with a certificate that does not reach back to the
/// story's first consent the command refuses before it writes anything, and says what to do.
/// </summary>
public sealed class DemoDataCertificateTests(OldCertificateFactory factory) : IClassFixture<OldCertificateFactory>
{
    [Fact]
    public async Task ACertificateNewerThanTheStory_IsRefused_WithWhatToDo()
    {
        var refused = await factory.SeedAsync();

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"The record-signing certificate {Path.Combine(factory.DataDirectory, RecordSigning.DevelopmentFileName)} is valid from", refused.Error, StringComparison.Ordinal);
        Assert.Contains("a record signed before its certificate's validity does not verify. Nothing was changed.", refused.Error, StringComparison.Ordinal);
        Assert.Contains("delete .data/pg and .data/records-signing.pfx, then run scripts/run.sh --demo-data", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.All, StringComparison.Ordinal);
        Assert.Equal(0, await factory.CountAsync("patients"));
    }
}
