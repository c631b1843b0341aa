using System.Diagnostics;
using System.Text;

namespace Consent.Web.Tests.Records;

/// <summary>Runs the built service binary (<c>dotnet Consent.Web.dll ...</c>) as an operator or auditor would, with a clean environment.</summary>
public static class ServiceProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunCoreAsync(environment, stopWhenListening: false, arguments);

    /// <summary>
    /// Starts the service and stops it as soon as it listens (the result's exit code is then 0), or
    /// returns how it exited when it refused to start.
    /// </summary>
    public static Task<Result> StartAsync(IReadOnlyDictionary<string, string> environment) =>
        RunCoreAsync(environment, stopWhenListening: true, "--urls", "http://127.0.0.1:0");

    private static async Task<Result> RunCoreAsync(IReadOnlyDictionary<string, string>? environment, bool stopWhenListening, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Consent.Web.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "Signing__CertificatePath", "Signing__CertificatePassword", "DataProtection__CertificatePath", "DataProtection__CertificateBase64", "DataProtection__CertificatePassword", "CONSENT_DATA_DIR", "ASPNETCORE_ENVIRONMENT" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        var listening = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) => Collect(output, e.Data, listening);
        process.ErrorDataReceived += (_, e) => Collect(error, e.Data, listening);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exited = process.WaitForExitAsync(timeout.Token);
        if (stopWhenListening && await Task.WhenAny(listening.Task, exited) == listening.Task)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(timeout.Token);
            return new Result(0, Text(output), Text(error));
        }

        await exited;
        process.WaitForExit(); // drains the redirected output
        return new Result(process.ExitCode, Text(output), Text(error));
    }

    private static void Collect(StringBuilder into, string? line, TaskCompletionSource listening)
    {
        if (line is null)
        {
            return;
        }

        lock (into)
        {
            into.AppendLine(line);
        }

        if (line.Contains("Now listening on", StringComparison.Ordinal))
        {
            listening.TrySetResult();
        }
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    /// <summary>Starts the web service in Production with these settings (on a port of its own), as an operator would.</summary>
    public static Task<Result> StartInProductionAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Consent"] = connectionString,
            ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        };
        return RunAsync(environment, "--urls", "http://127.0.0.1:0");
    }

    /// <summary>The service stopped at start-up with exit code 1 and a message naming <paramref name="setting"/>, never a stack trace.</summary>
    public static void AssertRefusedToStart(Result result, string setting)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(setting, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }
}
