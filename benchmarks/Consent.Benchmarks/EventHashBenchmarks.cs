using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;

namespace Consent.Benchmarks;

/// <summary>
/// Hashing one event onto the chain (Consent.Web's EventChain: canonical JSON encoding + SHA-256),
/// against SHA-256 alone over the same canonical bytes.
/// </summary>
[Config(typeof(ShortRunConfig))]
[BenchmarkCategory("event-hash")]
public class EventHashBenchmarks
{
    ConsentEvent _event = null!;
    byte[] _canonical = [];

    [GlobalSetup]
    public void Setup()
    {
        _event = new ConsentEvent
        {
            SessionId = Guid.Parse("6f1c2a4e-8b3d-4c7a-9e21-5d0b7f3a91c4"),
            Seq = 14,
            Type = "DisclosureAcknowledged",
            StepId = "driving",
            Payload = """{"method": "initials", "initials": "MJO"}""",
            ContentHash = "5f0c2b8e3a1d4c6f9b7e2a5d8c1f4b7e0a3d6c9f2b5e8a1d4c7f0b3e6a9d2c5f",
            Actor = "patient",
            Ip = "203.0.113.47",
            UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            At = new DateTimeOffset(2026, 11, 27, 19, 14, 41, 123, 456, TimeSpan.Zero),
            PrevHash = "9c1d0f5e2b7a48c3a6e1d4f7b2c5a8e0d3f6b9c2e5a8d1f4b7c0e3a6d9f2b5c8",
        };
        _canonical = Encoding.UTF8.GetBytes(EventChain.CanonicalText(_event));
    }

    [Benchmark(Baseline = true)]
    public byte[] Sha256Only() => SHA256.HashData(_canonical);

    [Benchmark]
    public string CanonicalText() => EventChain.CanonicalText(_event);

    [Benchmark]
    public string ComputeHash() => EventChain.ComputeHash(_event);
}
