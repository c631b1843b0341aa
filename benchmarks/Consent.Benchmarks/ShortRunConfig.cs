using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;

namespace Consent.Benchmarks;

/// <summary>
/// A short job so the whole suite runs in a few minutes on two shared cores: one process per
/// benchmark, 16 warm-up and 9 measured iterations of about 250 ms each. The 4 s of warm-up are
/// what tiered compilation needs before the record's hot methods run as optimized code: with 3
/// warm-up iterations the measured figures were 2-3 times the steady state. Medians are reported; on
/// a busy machine read the median and P95 rather than the mean.
/// </summary>
public class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(16)
            .WithIterationCount(9)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        Options |= ConfigOptions.JoinSummary;
    }
}
