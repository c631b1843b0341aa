using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Sessions;

/// <summary>
/// Issue 18, one round trip per submission: a write to a session this node wrote last is sent in one
/// batch checked against the row it cached (SessionWriter.TryWriteOptimisticallyAsync); anything else,
/// and a row that moved on under another node or another change, goes through the row lock as before.
/// </summary>
/// <remarks>
/// Round trips are counted from Npgsql's own tracing (ActivitySource "Npgsql", one activity per command
/// or batch sent, each one round trip), kept to the one HTTP request through its W3C traceparent, which
/// ASP.NET Core's hosting continues (https://www.npgsql.org/doc/diagnostics/tracing.html).
/// </remarks>
public sealed class OneRoundTripTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task ASubmission_ToASessionThisNodeWroteLast_IsOneRoundTrip()
    {
        var (session, patient) = await StartAsync("MRN-RT-WARM");
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(patient, session)).Status);

        var next = await SubmitAsync(patient, session);

        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.True(next.RoundTrips.Count == 1, Describe(next.RoundTrips));
        await AssertChainAsync(session.Id);
    }

    /// <summary>
    /// Another node writes the session between two writes of this one: this node's cached row is stale. A
    /// question is accepted at any step, so the stale state accepts it too and the one-batch write is tried.
    /// </summary>
    [Fact]
    public async Task AWriteByAnotherNode_SendsThisNodesNextWriteThroughTheLock_AndTheChainStaysWhole()
    {
        var (session, patient) = await StartAsync("MRN-RT-TWO-NODES");
        await using var other = new SameDatabaseNode(factory.ConnectionString);
        using var there = other.CreateClient();
        there.DefaultRequestHeaders.Authorization = patient.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(patient, session)).Status);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(there, session)).Status);
            var here = await CountedAsync(patient, AskRequest(session, Guid.NewGuid().ToString()));

            Assert.Equal(HttpStatusCode.OK, here.Status);
            // The one-batch write changed nothing (0 rows); the locking path wrote it: the lock, the
            // events the other node added replayed, the writes with COMMIT.
            Assert.True(here.RoundTrips.Count == 4, Describe(here.RoundTrips));
            Assert.Contains("WITH moved", Describe([here.RoundTrips[0]]), StringComparison.Ordinal);
        }

        await AssertChainAsync(session.Id);
    }

    /// <summary>
    /// The row changed without an event (its link replaced in the database): last_seq and last_hash are
    /// as cached, only xmin moved. The cached link must not let the old ticket write, nor put the old
    /// link back into the row.
    /// </summary>
    [Fact]
    public async Task ARowChangedWithoutAnEvent_IsNotOverwrittenFromTheCache()
    {
        var (session, patient) = await StartAsync("MRN-RT-ROW");
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(patient, session)).Status);
        var (stepId, body) = await CurrentStepAsync(patient, session);
        var replaced = new string('e', 64);
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE consent_sessions SET link_token_hash = $2 WHERE id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = session.Id });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = replaced });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var events = (await EventsAsync(session.Id)).Count;
        var refused = await SubmitAsync(patient, session, stepId, body);

        Assert.NotEqual(HttpStatusCode.OK, refused.Status);
        Assert.Equal(events, (await EventsAsync(session.Id)).Count);
        Assert.Equal(replaced, (await RowAsync(session.Id)).LinkTokenHash);
        await AssertChainAsync(session.Id);
    }

    /// <summary>Both nodes take the same step at once, each with its own key: one write wins, the chain has no duplicate or gap.</summary>
    [Fact]
    public async Task ConcurrentWritesOnTwoNodes_LeaveOneChainWithoutDuplicates()
    {
        var (session, patient) = await StartAsync("MRN-RT-RACE");
        await using var other = new SameDatabaseNode(factory.ConnectionString);
        using var there = other.CreateClient();
        there.DefaultRequestHeaders.Authorization = patient.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(patient, session)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(there, session)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(patient, session)).Status);

        for (var round = 0; round < 4; round++)
        {
            var (stepId, body) = await CurrentStepAsync(round % 2 == 0 ? patient : there, session);
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
                PatientDriver.SubmitAsync(i % 2 == 0 ? patient : there, session, stepId, body.DeepClone().AsObject())));

            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        }

        var events = await EventsAsync(session.Id);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (long)n), events.Select(e => e.Seq));
        await AssertChainAsync(session.Id);
    }

    /// <summary>A node that has not written the session (started after the last write) reads the row under its lock: two round trips, then one.</summary>
    [Fact]
    public async Task ANodeThatDidNotWriteTheSessionLast_WritesThroughTheLock_ThenInOneRoundTrip()
    {
        var (session, patient) = await StartAsync("MRN-RT-COLD");
        await using var fresh = new SameDatabaseNode(factory.ConnectionString);
        using var there = fresh.CreateClient();
        there.DefaultRequestHeaders.Authorization = patient.DefaultRequestHeaders.Authorization;

        var cold = await SubmitAsync(there, session, reader: patient);
        var warm = await SubmitAsync(there, session);

        Assert.Equal(HttpStatusCode.OK, cold.Status);
        Assert.Equal(HttpStatusCode.OK, warm.Status);
        // The lock and the idempotency lookup; the event log replayed once; the writes with COMMIT.
        Assert.True(cold.RoundTrips.Count == 3, Describe(cold.RoundTrips));
        Assert.True(warm.RoundTrips.Count == 1, Describe(warm.RoundTrips));
        await AssertChainAsync(session.Id);
    }

    /// <summary>
    /// A repeated Idempotency-Key on the one-round-trip path: a question is accepted at any step, so the
    /// cached state accepts the repeat too; the key's unique index turns the write back and the locking path
    /// answers with the first answer, recording nothing.
    /// </summary>
    [Fact]
    public async Task ARepeatedKey_GetsTheFirstAnswer_AndRecordsNothing()
    {
        var (session, patient) = await StartAsync("MRN-RT-KEY");
        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync(patient, session)).Status);
        var key = Guid.NewGuid().ToString();

        var first = await AskAsync(patient, session, key);
        var events = (await EventsAsync(session.Id)).Count;
        var again = await AskAsync(patient, session, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(events, (await EventsAsync(session.Id)).Count);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM idempotency_keys WHERE session_id = $1 AND key = $2", session.Id, key));
        await AssertChainAsync(session.Id);
    }

    private static Task<HttpResponseMessage> AskAsync(HttpClient patient, StartedSession session, string key) =>
        patient.SendAsync(AskRequest(session, key));

    private static HttpRequestMessage AskRequest(StartedSession session, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patient/{session.Token}/questions")
        {
            Content = JsonContent.Create(new { question = "Can I drive home afterwards?" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private async Task<(StartedSession Session, HttpClient Patient)> StartAsync(string mrn)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: mrn);
        return (session, await driver.VerifyAsync(session));
    }

    /// <summary>
    /// Answers the session's current step through <paramref name="client"/>'s node, counting that request's round
    /// trips to PostgreSQL. The step is looked up through <paramref name="reader"/> (by default the same client);
    /// a page read on a node refreshes its cache, so a test of a stale node reads through another one.
    /// </summary>
    private async Task<(HttpStatusCode Status, IReadOnlyList<Activity> RoundTrips)> SubmitAsync(HttpClient client, StartedSession session, HttpClient? reader = null)
    {
        var (stepId, body) = await CurrentStepAsync(reader ?? client, session);
        return await SubmitAsync(client, session, stepId, body);
    }

    private async Task<(string StepId, JsonObject Body)> CurrentStepAsync(HttpClient reader, StartedSession session)
    {
        var step = (await PatientDriver.CurrentAsync(reader, session))["step"]!.AsObject();
        return (step["id"]!.GetValue<string>(), (await PatientDriver.CreateAsync(factory)).DefaultAnswer(step));
    }

    private static async Task<(HttpStatusCode Status, IReadOnlyList<Activity> RoundTrips)> SubmitAsync(
        HttpClient client, StartedSession session, string stepId, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patient/{session.Token}/steps/{stepId}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await CountedAsync(client, request);
    }

    /// <summary>Sends the request in a trace of its own and returns its answer's status with the round trips it made to PostgreSQL.</summary>
    private static async Task<(HttpStatusCode Status, IReadOnlyList<Activity> RoundTrips)> CountedAsync(HttpClient client, HttpRequestMessage request)
    {
        using var trips = new RoundTripCounter();
        using (request)
        {
            request.Headers.Add("traceparent", trips.TraceParent);
            var response = await client.SendAsync(request);
            return (response.StatusCode, trips.Seen);
        }
    }

    private static string Describe(IReadOnlyList<Activity> trips) =>
        $"{trips.Count} round trips: " + string.Join(" | ", trips.Select(a =>
            (a.GetTagItem("db.query.text") ?? a.GetTagItem("db.statement") ?? a.DisplayName)?.ToString()));

    private async Task AssertChainAsync(Guid sessionId)
    {
        var row = await RowAsync(sessionId);
        var events = await EventsAsync(sessionId);
        Assert.Equal(events.Count, events.Select(e => e.Seq).Distinct().Count());
        var check = EventChain.Verify(events, row.LastSeq, row.LastHash, factory.Services.GetRequiredService<EventSeals>());
        Assert.True(check.Verified, check.Problem);
    }

    private async Task<ConsentSession> RowAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
    }

    private async Task<List<ConsentEvent>> EventsAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return await db.Events.AsNoTracking().Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync();
    }

    private async Task<long> CountAsync(string sql, Guid sessionId, string key)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Npgsql's command activities of one request: the request carries a traceparent of a trace made here,
    /// ASP.NET Core's hosting continues that trace, and every command the request sends is an activity in it.
    /// </summary>
    private sealed class RoundTripCounter : IDisposable
    {
        private readonly ActivityTraceId trace = ActivityTraceId.CreateRandom();
        private readonly ConcurrentQueue<Activity> seen = new();
        private readonly ActivityListener listener;

        public RoundTripCounter()
        {
            listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.Source.Name == "Npgsql" && activity.TraceId == trace)
                    {
                        seen.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(listener);
        }

        public string TraceParent => $"00-{trace}-{ActivitySpanId.CreateRandom()}-01";

        public IReadOnlyList<Activity> Seen => [.. seen];

        public void Dispose() => listener.Dispose();
    }
}
