using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// The audit runs over and over while records are being issued, and finds nothing: a record and the
/// RecordIssued event that commits with it are always seen together (one snapshot per page of sessions).
/// </summary>
public sealed class AuditWhileIssuingTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    /// <summary>Enough sessions after the issuing ones that an audit spends a while past their page: the window a torn read needs.</summary>
    private const int LaterSessions = 5_000;

    private const int IssuedRecords = 12;

    [Fact]
    public async Task RecordsIssuedInALoop_WhileTheAuditRuns_RaiseNoFinding()
    {
        await InsertEmptySessionsSortedLastAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var reports = new ConcurrentQueue<AuditReport>();
        using var stop = new CancellationTokenSource();
        var auditing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                reports.Enqueue(await AuditAsync());
            }
        });

        for (var i = 0; i < IssuedRecords && !auditing.IsCompleted; i++)
        {
            var session = await driver.StartAsync();
            var patient = await driver.VerifyAsync(session);
            var decline = await patient.PostAsJsonAsync($"/api/v1/patient/{session.Token}/decline", new { reason = "Not today." });
            Assert.Equal(HttpStatusCode.OK, decline.StatusCode);
            await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, "DeclinedSummary");
        }

        await stop.CancelAsync();
        await auditing; // an audit that threw fails the test here
        var last = await AuditAsync();

        Assert.All(reports.Append(last), r => Assert.True(r.Clean, string.Join("\n", r.Findings.Select(f => $"{f.SessionId}: {f.What}"))));
        // Not vacuous: the audits ran while the records came, and the last one saw every session and record.
        Assert.True(reports.Select(r => r.RecordsChecked).Distinct().Count() >= 3,
            $"the audits did not overlap the issuing: records checked {string.Join(", ", reports.Select(r => r.RecordsChecked))}");
        Assert.Equal((IssuedRecords + LaterSessions, IssuedRecords), (last.SessionsChecked, last.RecordsChecked));
    }

    private async Task<AuditReport> AuditAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
    }

    /// <summary>Sessions with no events yet (an empty chain verifies), whose ids sort after every random one.</summary>
    private async Task InsertEmptySessionsSortedLastAsync()
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var insert = new NpgsqlCommand($"""
            {SyntheticPatient.Ensure}
            INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, last_seq, last_hash, patient_id)
            SELECT ('ffffffff-ffff-4fff-bfff-' || lpad(to_hex(i), 12, '0'))::uuid, 'ketamine-iv-depression', 1, repeat('a', 64), 'en',
                'Invited', 'Waiting Patient ' || i, date '1970-01-01', lpad(to_hex(i), 64, '0'), now() + interval '1 day', gen_random_uuid(),
                now(), now(), 0, repeat('0', 64), '{SyntheticPatient.Id}'
            FROM generate_series(1, {LaterSessions}) AS i;
            """, db);
        await insert.ExecuteNonQueryAsync();
    }
}
