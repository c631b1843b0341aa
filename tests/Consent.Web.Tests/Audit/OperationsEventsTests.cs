using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// How the service is operated is on the system audit trail too (21 CFR 11.10(e), 45 CFR 164.312(b)): which
/// certificate signs the records from when (<c>operations.signing-certificate.changed</c>, recorded at start-up when
/// it is not the one last recorded), and each run of the <c>audit</c> command with its results (<c>operations.audit.run</c>).
/// </summary>
public sealed class OperationsEventsTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task TheSigningCertificate_IsRecordedAtTheFirstStart_NotAgainAtARestart_AndAChangeNamesTheOldAndTheNew()
    {
        var certificate = factory.Services.GetRequiredService<RecordSigning>().Certificate;
        var first = Thumbprint(certificate);
        var recorded = Assert.Single(await OperationsEventRows.DetailsAsync(factory, "operations.signing-certificate.changed"));
        Assert.Equal(JsonValueKind.Null, recorded.GetProperty("oldThumbprintSha256").ValueKind);
        Assert.Equal(first, recorded.GetProperty("newThumbprintSha256").GetString());
        Assert.Equal(certificate.Subject, recorded.GetProperty("subject").GetString());
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), recorded.GetProperty("notAfter").GetDateTimeOffset());

        // Started again with the same certificate: nothing new.
        await using (var restarted = factory.Restarted())
        {
            Assert.Equal(first, Thumbprint(restarted.Services.GetRequiredService<RecordSigning>().Certificate));
        }

        Assert.Single(await OperationsEventRows.DetailsAsync(factory, "operations.signing-certificate.changed"));

        // Started with another certificate (another data folder makes its own Development certificate).
        string second;
        await using (var rotated = new SameDatabaseNode(factory.ConnectionString, settings: new Dictionary<string, string>
        {
            ["CONSENT_DATA_DIR"] = Path.Combine(factory.DataDirectory, "rotated"),
        }))
        {
            second = Thumbprint(rotated.Services.GetRequiredService<RecordSigning>().Certificate);
        }

        Assert.NotEqual(first, second);
        var changes = await OperationsEventRows.DetailsAsync(factory, "operations.signing-certificate.changed");
        Assert.Equal(2, changes.Count);
        Assert.Equal(first, changes[1].GetProperty("oldThumbprintSha256").GetString());
        Assert.Equal(second, changes[1].GetProperty("newThumbprintSha256").GetString());
    }

    private static string Thumbprint(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
}

/// <summary>The <c>audit</c> command, run by an operator as a process of its own, records its run and results.</summary>
public sealed partial class AuditCommandRunEventTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task TheAuditCommand_RecordsItsRun_WithWhatItChecked_AndWhetherEverythingVerified()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        await driver.StartAsync();

        var (exitCode, output) = await AuditTests.RunAuditCommandAsync(factory);
        Assert.True(exitCode == 0, output);
        var printed = Checked().Match(output);
        Assert.True(printed.Success, output);

        var run = Assert.Single(await OperationsEventRows.DetailsAsync(factory, "operations.audit.run", actor: "system"));
        Assert.Equal("command", run.GetProperty("trigger").GetString());
        Assert.Equal(int.Parse(printed.Groups["sessions"].Value, System.Globalization.CultureInfo.InvariantCulture), run.GetProperty("sessions").GetInt32());
        Assert.Equal(int.Parse(printed.Groups["events"].Value, System.Globalization.CultureInfo.InvariantCulture), run.GetProperty("events").GetInt32());
        Assert.Equal(int.Parse(printed.Groups["records"].Value, System.Globalization.CultureInfo.InvariantCulture), run.GetProperty("records").GetInt32());
        Assert.True(run.GetProperty("sessions").GetInt32() >= 1);
        Assert.Equal(0, run.GetProperty("failures").GetInt32());
        Assert.True(run.GetProperty("verified").GetBoolean());
    }

    [GeneratedRegex(@": (?<sessions>\d+) sessions, (?<events>\d+) events, (?<records>\d+) records checked\.")]
    private static partial Regex Checked();
}

/// <summary>The periodic audit records each run too, with how many problems it found.</summary>
public sealed class PeriodicAuditRunEventTests(MonitoredAuditFactory factory) : IClassFixture<MonitoredAuditFactory>
{
    [Fact]
    public async Task EachPeriodicRun_IsRecorded_WithItsResults_AndATamperedEventCountsAsAFailure()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await Deadline.UntilAsync("a periodic audit run recorded as verified", async () =>
            (await OperationsEventRows.DetailsAsync(factory, "operations.audit.run", actor: "system")).Any(r =>
                r.GetProperty("trigger").GetString() == "periodic" && r.GetProperty("verified").GetBoolean()
                && r.GetProperty("failures").GetInt32() == 0 && r.GetProperty("sessions").GetInt32() >= 1));

        await AuditTests.TamperAsync(factory, session.Id, seq: 1);

        await Deadline.UntilAsync("a periodic audit run recorded with the failure", async () =>
            (await OperationsEventRows.DetailsAsync(factory, "operations.audit.run", actor: "system")).Any(r =>
                r.GetProperty("trigger").GetString() == "periodic" && !r.GetProperty("verified").GetBoolean()
                && r.GetProperty("failures").GetInt32() >= 1));
    }
}

internal static class OperationsEventRows
{
    /// <summary>The detail of every system event of a type (and actor), in chain order.</summary>
    public static async Task<List<JsonElement>> DetailsAsync(ConsentWebFactory factory, string type, string? actor = null)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand(
            "SELECT detail::text FROM system_events WHERE type = @t AND (@a::text IS NULL OR actor = @a) ORDER BY seq", db);
        query.Parameters.AddWithValue("t", type);
        query.Parameters.Add(new NpgsqlParameter("a", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)actor ?? DBNull.Value });
        var details = new List<JsonElement>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            details.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        }

        return details;
    }
}
