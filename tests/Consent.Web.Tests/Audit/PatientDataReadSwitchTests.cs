using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>Development with <c>SystemEvents:RecordPatientDataReads</c> false: the switch benchmarks/reads/run.sh uses.</summary>
public sealed class UnrecordedReadsFactory : ConsentWebFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["SystemEvents:RecordPatientDataReads"] = "false",
    };
}

/// <summary>The same setting outside Development, where it must not turn the recording of reads off.</summary>
public sealed class UnrecordedReadsProductionFactory : ProductionFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["SystemEvents:RecordPatientDataReads"] = "false",
    };
}

/// <summary>
/// <c>SystemEvents:RecordPatientDataReads</c> false turns the recording of staff reads of patient data off only in
/// Development, so its cost can be measured; the service says so at start-up.
/// </summary>
public sealed class PatientDataReadSwitchInDevelopmentTests(UnrecordedReadsFactory factory) : IClassFixture<UnrecordedReadsFactory>
{
    [Fact]
    public async Task InDevelopment_TheSwitchIsHonoured_ReadsAreNotRecorded_AndStartUpSaysSo()
    {
        var clinicianId = await SystemEventRows.StaffIdAsync(factory, Staff.Clinician);
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);

        // Whatever was queued before it is on the chain once a later event is.
        await PatientDataReadSwitch.AfterAFailedSignInAsync(factory);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await PatientDataReadSwitch.ReadsByAsync(factory, clinicianId));
        Assert.Contains(factory.LogLines, line => line.StartsWith(nameof(LogLevel.Warning), StringComparison.Ordinal)
            && line.Contains("SystemEvents:RecordPatientDataReads", StringComparison.Ordinal)
            && line.Contains("NOT recorded", StringComparison.Ordinal));
    }
}

/// <summary>
/// Outside Development the same setting is ignored (45 CFR 164.312(b): every staff read of patient data is recorded),
/// with a warning at start-up.
/// </summary>
public sealed class PatientDataReadSwitchInProductionTests(UnrecordedReadsProductionFactory factory) : IClassFixture<UnrecordedReadsProductionFactory>
{
    [Fact]
    public async Task OutsideDevelopment_TheSwitchIsIgnored_ReadsAreStillRecorded_WithAWarningAtStartUp()
    {
        var clinicianId = await factory.CreateStaffAsync("reads.clinician@example.org", "Clinician");
        using var clinician = factory.CreateClient();
        clinician.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", await factory.LoginAsync("reads.clinician@example.org", ProductionFactory.Password));
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);

        await SystemEventRows.WaitForAsync(factory, "type = 'patient-data.read' AND detail->>'what' = 'sessions.list' AND actor = @e", clinicianId.ToString("D"), 1);
        Assert.Contains(factory.LogLines, line => line.StartsWith(nameof(LogLevel.Warning), StringComparison.Ordinal)
            && line.Contains("SystemEvents:RecordPatientDataReads", StringComparison.Ordinal)
            && line.Contains("ignored outside Development", StringComparison.Ordinal));
    }
}

internal static class PatientDataReadSwitch
{
    /// <summary>A failed sign-in of an email nobody has, waited for until it is on the chain.</summary>
    public static async Task AfterAFailedSignInAsync(ConsentWebFactory factory)
    {
        var email = $"nobody-{Guid.NewGuid():N}@example.org";
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "not a password at all" })).StatusCode);
        await SystemEventRows.WaitForAsync(factory, "type = 'staff.sign-in.failed' AND detail->>'emailTried' = @e", email, 1);
    }

    public static async Task<long> ReadsByAsync(ConsentWebFactory factory, Guid staffId)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM system_events WHERE type = 'patient-data.read' AND actor = @a", db);
        count.Parameters.AddWithValue("a", staffId.ToString("D"));
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
