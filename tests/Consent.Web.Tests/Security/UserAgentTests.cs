using System.Net;
using System.Net.Http.Json;
using Consent.Web.Data;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The User-Agent header is whatever the client sends. The event log stores it with every character
/// that shows nothing written out (<c>&lt;U+202E&gt;</c>), at most 512 characters, so neither the
/// chain nor the signed record's audit page carries a bidirectional override or a control character.
/// The host runs the outbox worker (RecordsWebFactory), which issues the records these tests wait for.
/// </summary>
public sealed class UserAgentTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    /// <summary>What the review sent: a right-to-left override, C0 and DEL controls, a zero-width space.</summary>
    private const string Sent = "Mozilla \u202Eevil\u0001\u007F\u200B/1.0";

    [Fact]
    public async Task HiddenCharactersInTheUserAgent_AreStoredWrittenOut_TheChainVerifies_AndTheRecordShowsNone()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        Assert.True(driver.Clinician.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", Sent));

        var session = await RecordSessions.CompleteAsync(driver);

        var chain = await driver.EventsAsync(session.Id);
        var agents = chain["events"]!.AsArray().Select(e => e!["userAgent"]?.GetValue<string>()).OfType<string>().Distinct().ToList();
        var clinicians = agents.Where(a => a.StartsWith("Mozilla", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(clinicians);
        foreach (var agent in clinicians)
        {
            foreach (var written in new[] { "<U+202E>", "<U+0001>", "<U+007F>", "<U+200B>" })
            {
                Assert.Contains(written, agent, StringComparison.Ordinal);
            }
        }

        Assert.All(agents, a => Assert.DoesNotContain(a.EnumerateRunes(), VisibleText.IsHidden));
        Assert.True(chain["verified"]!.GetValue<bool>());

        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
        Assert.Contains("<U+202E>", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text.EnumerateRunes(), r => r.Value is 0x202E or 0x0001 or 0x007F or 0x200B);
    }

    /// <summary>
    /// An event stored before this rule keeps its header as sent: the hash covers the stored value, so
    /// it is never rewritten and the chain still verifies; the record shows the header written out.
    /// </summary>
    [Fact]
    public async Task AHeaderStoredAsSentEarlier_StaysAsItIs_TheChainStillVerifies_AndTheRecordWritesItOut()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await StoreAsTheEarlierVersionDidAsync(session.Id, Sent);

        using var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);

        var chain = await driver.EventsAsync(session.Id);
        Assert.True(chain["verified"]!.GetValue<bool>(), chain.ToJsonString());
        Assert.Equal(Sent, chain["events"]!.AsArray()[0]!["userAgent"]!.GetValue<string>());
        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
        Assert.Contains("<U+202E>", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text.EnumerateRunes(), r => r.Value is 0x202E or 0x0001 or 0x007F or 0x200B);
    }

    [Theory]
    [InlineData(600, "", 512)]
    [InlineData(511, "\U0001F600tail", 511)] // the emoji's two UTF-16 units would pass 512: cut before it, not inside it
    [InlineData(508, "\u202E", 508)]         // "<U+202E>" would pass 512: left out whole
    public async Task AnOverlongUserAgent_IsCutAtAWholeCharacter(int letters, string tail, int storedLength)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        Assert.True(driver.Clinician.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", new string('a', letters) + tail));

        var session = await driver.StartAsync();

        var created = (await driver.EventsAsync(session.Id))["events"]!.AsArray()[0]!;
        var agent = created["userAgent"]!.GetValue<string>();
        Assert.Equal(storedLength, agent.Length);
        Assert.Equal(new string('a', storedLength), agent);
    }

    /// <summary>What the earlier version wrote: the session's first event with the header as sent, sealed onto the chain as it would have been.</summary>
    private async Task StoreAsTheEarlierVersionDidAsync(Guid sessionId, string userAgent)
    {
        List<Consent.Web.Data.Entities.ConsentEvent> events;
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
            events = await db.Events.AsNoTracking().Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync();
        }

        events[0].UserAgent = userAgent;
        var seals = factory.Services.GetRequiredService<EventSeals>();
        var previous = EventChain.Genesis;
        foreach (var e in events)
        {
            EventChain.Seal(e, previous);
            seals.Seal(e);
            previous = e.Hash;
        }

        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        var sql = "ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete;"
            + string.Concat(events.Select(e => $"UPDATE consent_events SET user_agent = @ua{e.Seq}, prev_hash = @p{e.Seq}, hash = @h{e.Seq}, seal = @x{e.Seq} WHERE session_id = @s AND seq = {e.Seq};"))
            + "UPDATE consent_sessions SET last_hash = @last WHERE id = @s;"
            + "ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete;";
        await using var command = new NpgsqlCommand(sql, owner, transaction);
        command.Parameters.AddWithValue("s", sessionId);
        command.Parameters.AddWithValue("last", previous);
        foreach (var e in events)
        {
            command.Parameters.AddWithValue($"ua{e.Seq}", (object?)e.UserAgent ?? DBNull.Value);
            command.Parameters.AddWithValue($"p{e.Seq}", e.PrevHash);
            command.Parameters.AddWithValue($"h{e.Seq}", e.Hash);
            command.Parameters.AddWithValue($"x{e.Seq}", e.Seal!);
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
