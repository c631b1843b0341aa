using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Consent.Web.Tests.Sessions;

/// <summary>
/// Chains written before event payloads were typed (Fixtures/event-chains.jsonl, made by
/// Fixtures/make-event-chains.py against the service of that time: commit 807f9ec, then f02a0a7,
/// which also sealed events and expired a link, then branch c19, which followed up a referral, then branch p19, which
/// confirmed a stop after changing the answer once and signed under another name, then a witnessed consent signed with a mark,
/// recorded with CONSENT_FIXTURE_ONLY=signers at commit 5c015d5 for SignerSigned, and CONSENT_FIXTURE_ONLY=paper at commit dd5f82e for PaperConsentRecorded) still verify, and every stored payload read into
/// its typed record and written back hashes to exactly the same bytes.
/// </summary>
public sealed class EventChainFixtureTests
{
    private static readonly IReadOnlyList<ConsentEvent> Stored = Load();

    [Fact]
    public void TheFixture_HoldsEveryEventType()
    {
        var types = Stored.Select(e => e.Type).ToHashSet();
        var all = typeof(EventTypes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.All(all, type => Assert.Contains(type, types));
    }

    /// <remarks>
    /// The seal (docs/event-log.md) is a MAC over each stored hash under a key the writing service
    /// held and this test does not, so the events are sealed again here under a test key: what is
    /// checked is that each hash, recomputed by today's code from the stored row, is the stored one.
    /// </remarks>
    [Fact]
    public void EveryStoredChain_StillVerifies()
    {
        using var certificates = KeyEncryption.Load(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = TestKeyEncryptionCertificate.Path }).Build(),
            new HostingEnvironment { EnvironmentName = Environments.Production });
        var seals = new EventSeals(certificates);
        foreach (var chain in Stored.GroupBy(e => e.SessionId))
        {
            var events = chain.OrderBy(e => e.Seq).ToList();
            events.ForEach(seals.Seal);
            var check = EventChain.Verify(events, events[^1].Seq, events[^1].Hash, seals);
            Assert.True(check.Verified, $"session {chain.Key}: {check.Problem}");
        }
    }

    [Fact]
    public void EveryStoredPayload_WrittenBackThroughItsTypedRecord_HashesToTheSameBytes()
    {
        foreach (var stored in Stored)
        {
            var payload = JsonNode.Parse(stored.Payload)!.AsObject();
            var typed = EventPayload.Read(stored.Type, payload, stored.StepId);
            Assert.NotNull(typed);
            Assert.Equal(stored.Type, typed.Type);
            Assert.Equal(ChainJson.Serialize(payload), ChainJson.Serialize(typed.ToJson()));

            var rewritten = Copy(stored, typed.ToJson().ToJsonString());
            Assert.Equal(stored.Hash, EventChain.ComputeHash(rewritten));
        }
    }

    private static ConsentEvent Copy(ConsentEvent e, string payload) => new()
    {
        SessionId = e.SessionId, Seq = e.Seq, Type = e.Type, StepId = e.StepId, Payload = payload, ContentHash = e.ContentHash,
        Actor = e.Actor, Ip = e.Ip, UserAgent = e.UserAgent, At = e.At, PrevHash = e.PrevHash, Hash = e.Hash,
    };

    private static List<ConsentEvent> Load()
    {
        var path = Path.Combine(RepositoryRoot.Path, "tests", "Consent.Web.Tests", "Fixtures", "event-chains.jsonl");
        return [.. File.ReadLines(path).Where(l => l.Length > 0).Select(line =>
        {
            var row = JsonDocument.Parse(line).RootElement;
            string? Text(string name) => row.GetProperty(name).ValueKind == JsonValueKind.Null ? null : row.GetProperty(name).GetString();
            return new ConsentEvent
            {
                SessionId = Guid.Parse(Text("session_id")!),
                Seq = row.GetProperty("seq").GetInt64(),
                Type = Text("type")!,
                StepId = Text("step_id"),
                Payload = Text("payload")!,
                ContentHash = Text("content_hash"),
                Actor = Text("actor")!,
                Ip = Text("ip"),
                UserAgent = Text("user_agent"),
                At = DateTimeOffset.Parse(Text("at")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                PrevHash = Text("prev_hash")!,
                Hash = Text("hash")!,
            };
        })];
    }
}
