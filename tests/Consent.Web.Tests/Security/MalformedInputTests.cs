using System.Net.Http.Headers;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>Ten thousand malformed requests get clear 4xx problems and change nothing.</summary>
public sealed class MalformedInputTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const int Requests = 10_000;

    [Fact]
    public async Task TenThousandMalformedRequests_Get4xxProblems_AndLeaveTheDatabaseUnchanged()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "dissociation");
        var tokens = new Dictionary<string, string?>
        {
            ["none"] = null,
            ["patient"] = patient.DefaultRequestHeaders.Authorization!.Parameter,
            ["clinician"] = await factory.LoginAsync(Staff.Clinician),
            ["admin"] = await factory.LoginAsync(Staff.Admin),
            ["reviewer"] = await factory.LoginAsync(Staff.Reviewer),
        };
        var before = await SnapshotAsync();

        var generator = new MalformedRequests(20261127, session.Token, session.Id);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        using var client = factory.CreateClient();
        for (var i = 0; i < Requests; i++)
        {
            var sent = generator.Next();
            using var request = new HttpRequestMessage(new HttpMethod(sent.Method), sent.Path);
            if (tokens[sent.Auth] is { } bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            if (sent.Body is not null)
            {
                request.Content = new ByteArrayContent(sent.Body);
                if (sent.ContentType is not null)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(sent.ContentType);
                }
            }

            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var length = (await response.Content.ReadAsByteArrayAsync()).Length;
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (status is < 400 or >= 500 || (length > 0 && !isProblem) || (length == 0 && status != 404 && status != 405))
            {
                if (failures.Count < 25)
                {
                    failures.Add($"{sent.Method} {Shorten(sent.Path)} [{sent.Mutation}] -> {status} {response.Content.Headers.ContentType}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync());
        Assert.True(statuses.Keys.Count >= 4, "expected a spread of 4xx answers: " + string.Join(", ", statuses));
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""
            SELECT concat_ws(',',
                (SELECT count(*) FROM consent_sessions), (SELECT count(*) FROM consent_events),
                (SELECT coalesce(max(last_seq), 0) FROM consent_sessions), (SELECT count(*) FROM idempotency_keys),
                (SELECT count(*) FROM "AspNetUsers"), (SELECT count(*) FROM "AspNetUserRoles"), (SELECT sum(access_failed_count) FROM "AspNetUsers"),
                (SELECT count(*) FROM workflow_reviews), (SELECT string_agg(approval, '') FROM workflow_versions),
                (SELECT count(*) FROM outbox_jobs), (SELECT string_agg(status, '') FROM consent_sessions))
            """, db);
        return (string)(await query.ExecuteScalarAsync())!;
    }

    private static string Shorten(string path) => path.Length > 80 ? path[..80] + "…" : path;
}
