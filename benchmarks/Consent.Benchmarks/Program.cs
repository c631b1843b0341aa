using BenchmarkDotNet.Running;
using Consent.Benchmarks;

// Extra commands for the scripts beside this project; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "record-html" => Commands.RecordHtml(args),
    "time-render" => Commands.TimeRender(args),
    "time-evidence" => Commands.TimeEvidence(args),
    "state-size" => Commands.StateSize(args),
    "chromium-warm" => await ChromiumWarm.RunAsync(args),
    "seed" => await LoadSeeder.RunAsync(args),
    "generate-history" => await HistoryGenerator.RunAsync(args),
    _ => Run(args),
};

static int Run(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(RecordBenchmarks).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
