using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using RecordKind = Consent.Records.RecordKind;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Audit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The second outside review renamed a clinician in <c>AspNetUsers.display_name</c> for the seconds
/// around a countersignature, and the signed record printed "Dr. Gregory House". A name is printed,
/// on a record or in the audit trail, only from an account whose seal holds.
/// </summary>
public sealed class RecordNameSealTests(RecordNameSealTests.IssuedByHandFactory factory) : IClassFixture<RecordNameSealTests.IssuedByHandFactory>
{
    private const string Forged = "Dr. Gregory House";

    [Fact]
    public async Task AClinicianRenamedInTheDatabase_StopsTheRecord_AndIsShownByIdInTheAuditTrail()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(session), session);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);
        var (clinicianId, name) = await ClinicianAsync();

        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE \"AspNetUsers\" SET display_name = @name WHERE id = @id", clinicianId, ("name", Forged));
        using (var scope = factory.Services.CreateScope())
        {
            var issuer = scope.ServiceProvider.GetRequiredService<RecordIssuer>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => issuer.IssueAsync(session.Id, RecordKind.Consent, CancellationToken.None));
            Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: refused to sign", StringComparison.Ordinal) && l.Contains(clinicianId.ToString(), StringComparison.Ordinal));

            var auditor = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, "Auditor")], "test"));
            var timeline = Assert.IsType<Outcome<SessionTimeline>.Ok>(
                await scope.ServiceProvider.GetRequiredService<AuditTrail>().TimelineAsync(session.Id, auditor, CancellationToken.None)).Value;
            Assert.DoesNotContain(timeline.StaffNames.Values, n => n.Contains(Forged, StringComparison.Ordinal));
            Assert.Contains("account changed outside the service", timeline.StaffNames[clinicianId.ToString()], StringComparison.Ordinal);
        }

        // Put back as the service sealed it, the account's name is printed again and the record issues.
        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE \"AspNetUsers\" SET display_name = @name WHERE id = @id", clinicianId, ("name", name));
        using (var scope = factory.Services.CreateScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<RecordIssuer>().IssueAsync(session.Id, RecordKind.Consent, CancellationToken.None);
            Assert.NotNull(stored);
        }
    }

    private async Task<(Guid Id, string Name)> ClinicianAsync()
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT id, display_name FROM \"AspNetUsers\" WHERE normalized_email = @email", connection);
        command.Parameters.AddWithValue("email", Staff.Clinician.ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetGuid(0), reader.GetString(1));
    }

    /// <summary>Records issued by the test, not by the outbox worker, so the moment of issuing is the test's.</summary>
    public sealed class IssuedByHandFactory : RecordsWebFactory
    {
        protected override bool RunsOutboxWorker => false;
    }
}
