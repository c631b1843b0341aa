using BenchmarkDotNet.Attributes;
using Consent.Workflows;

namespace Consent.Benchmarks;

/// <summary>
/// Issue 13's target: the consent status of a patient with 50 sessions in at most 1 ms. The history
/// is a long course over three workflows: re-consents, a withdrawal, declines, referrals, links that
/// ran out, one open session; the registry has a newer version requiring re-consent.
/// </summary>
[Config(typeof(ShortRunConfig))]
[BenchmarkCategory("status")]
public class ConsentStatusBenchmarks
{
    static readonly string[] WorkflowIds = ["esketamine-nasal-trd", "ketamine-chronic-pain", "ketamine-iv-depression"];
    static readonly SessionStatus[] Pattern =
    [
        SessionStatus.Completed, SessionStatus.Expired, SessionStatus.Declined, SessionStatus.Completed, SessionStatus.Voided,
        SessionStatus.Referred, SessionStatus.Completed, SessionStatus.Withdrawn, SessionStatus.Completed, SessionStatus.Expired,
    ];

    ConsentSessionSummary[] _sessions = [];
    WorkflowVersionTerms[] _registry = [];
    DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var validity = new CalendarPeriod(12, 0, "P12M");
        var notice = new CalendarPeriod(0, 30, "P30D");
        _registry = [.. WorkflowIds.SelectMany(id => new[]
        {
            new WorkflowVersionTerms(id, 1, validity, notice, ReconsentRule.NotRequired, Approved: true),
            new WorkflowVersionTerms(id, 2, validity, notice, id == WorkflowIds[0] ? ReconsentRule.Required : ReconsentRule.NotRequired, Approved: true),
        })];
        _sessions = new ConsentSessionSummary[50];
        for (var i = 0; i < _sessions.Length; i++)
        {
            var created = start.AddDays(i * 7);
            var status = i == _sessions.Length - 1 ? SessionStatus.InProgress : Pattern[i % Pattern.Length];
            var signed = status is SessionStatus.Completed or SessionStatus.Withdrawn ? created.AddHours(2) : (DateTimeOffset?)null;
            DateTimeOffset? ended = status == SessionStatus.Withdrawn ? created.AddDays(3) : status is SessionStatus.Completed or SessionStatus.InProgress ? null : created.AddDays(1);
            _sessions[i] = new ConsentSessionSummary(new Guid(i + 1, 0, 0, new byte[8]), WorkflowIds[i % WorkflowIds.Length], i < 40 ? 1 : 2, status,
                created, signed, ended, signed is null ? null : Convert.ToHexStringLower(BitConverter.GetBytes((long)i)).PadLeft(64, '0'));
        }
        _now = start.AddDays(50 * 7);
        Console.WriteLine("// " + string.Join("; ", Compute().Select(s => $"{s.WorkflowId}: {ConsentStatus.Name(s.Status)}")));
    }

    /// <summary>The least any status must do: copy the 50 sessions and sort them by workflow id.</summary>
    [Benchmark(Baseline = true)]
    public ConsentSessionSummary[] CopyAndSortOnly()
    {
        var copy = (ConsentSessionSummary[])_sessions.Clone();
        Array.Sort(copy, static (a, b) => string.CompareOrdinal(a.WorkflowId, b.WorkflowId));
        return copy;
    }

    [Benchmark]
    public IReadOnlyList<WorkflowConsentStatus> Compute() => ConsentStatus.Compute(_sessions, _registry, _now);
}
