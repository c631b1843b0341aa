using System.Globalization;
using System.Text.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace Consent.Web.Tests.Data;

/// <summary>
/// The service's hash chain against docs/event-log-known-answers.json: a fixed list of events with
/// the canonical text and hash docs/event-log.md says they have (computed from the document by
/// docs/event-log-known-answers.py, not by this code), so an outsider can build the chain from the
/// document and check it against the same answers.
/// </summary>
public sealed class EventLogKnownAnswerTests
{
    private static readonly string KnownAnswers = Path.Combine(RepositoryRoot.Path, "docs", "event-log-known-answers.json");

    [Fact]
    public void EveryKnownEvent_HasTheDocumentedCanonicalTextAndHash_AndTheChainVerifies()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(KnownAnswers));
        var sessionId = Guid.Parse(file.RootElement.GetProperty("sessionId").GetString()!);
        // The seal (docs/event-log.md, "The seal") is keyed, so it has no known answer; Verify needs one on each event.
        using var certificates = KeyEncryption.Load(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = TestKeyEncryptionCertificate.Path }).Build(),
            new HostingEnvironment { EnvironmentName = "Production" });
        var seals = new EventSeals(certificates);
        var events = new List<ConsentEvent>();
        var previous = EventChain.Genesis;
        foreach (var known in file.RootElement.GetProperty("events").EnumerateArray())
        {
            var e = new ConsentEvent
            {
                SessionId = sessionId,
                Seq = known.GetProperty("seq").GetInt64(),
                Type = known.GetProperty("type").GetString()!,
                StepId = known.GetProperty("stepId").GetString(),
                ContentHash = known.GetProperty("contentHash").GetString(),
                Actor = known.GetProperty("actor").GetString()!,
                Ip = known.GetProperty("ip").GetString(),
                UserAgent = known.GetProperty("userAgent").GetString(),
                At = DateTimeOffset.Parse(known.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Payload = known.GetProperty("payload").GetString()!,
            };
            EventChain.Seal(e, previous);
            seals.Seal(e);

            Assert.Equal(known.GetProperty("canonicalText").GetString(), EventChain.CanonicalText(e));
            Assert.Equal(known.GetProperty("hash").GetString(), e.Hash);
            events.Add(e);
            previous = e.Hash;
        }

        Assert.Equal(5, events.Count);
        Assert.True(EventChain.Verify(events, events.Count, previous, seals).Verified);
    }

    [Fact]
    public void TheDocument_ShowsTheFirstKnownAnswer_AndNamesTheFile()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(KnownAnswers));
        var first = file.RootElement.GetProperty("events")[0];
        var document = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "event-log.md"));

        Assert.Contains("event-log-known-answers.json", document, StringComparison.Ordinal);
        Assert.Contains(first.GetProperty("canonicalText").GetString()!, document, StringComparison.Ordinal);
        Assert.Contains(first.GetProperty("hash").GetString()!, document, StringComparison.Ordinal);
    }
}
