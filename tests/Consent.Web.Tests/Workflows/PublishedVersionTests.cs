using System.Diagnostics;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Workflows;

/// <summary>A factory whose workflows and templates are a private copy the test may edit.</summary>
public class CopiedRepositoryFactory : ConsentWebFactory
{
    public CopiedRepositoryFactory()
        : this(null)
    {
    }

    /// <param name="prepare">Changes the copy before the service first starts on it (given the copy's root).</param>
    protected CopiedRepositoryFactory(Action<string>? prepare)
    {
        Root = Directory.CreateTempSubdirectory("consent-repo-").FullName;
        foreach (var folder in new[] { "workflows", "templates" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(Root, Path.GetRelativePath(RepositoryRoot.Path, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        prepare?.Invoke(Root);
    }

    public string Root { get; }

    public override string RepositoryRootPath => Root;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

public sealed class PublishedVersionTests(CopiedRepositoryFactory factory) : IClassFixture<CopiedRepositoryFactory>
{
    [Fact]
    public async Task EditingAPublishedTemplateWithoutANewVersion_StopsStartUp_NamingTheFile()
    {
        _ = factory.Server; // the first start stores every version's hash
        var template = Path.Combine(factory.Root, "templates", "disclosures", "en", "dissociation.md");
        await File.AppendAllTextAsync(template, "\nOne quiet extra sentence.\n");

        var (exitCode, output) = await RunServiceAsync(factory.ConnectionString, factory.Root);

        Assert.Equal(1, exitCode);
        Assert.Contains("workflows/ketamine-iv-depression/v1.yaml", output, StringComparison.Ordinal);
        Assert.Contains("new version", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceStartsAgain_WhenTheFilesAreUnchanged()
    {
        _ = factory.Server;
        var copy = new CopiedRepositoryFactory();
        try
        {
            var (exitCode, output) = await RunServiceAsync(factory.ConnectionString, copy.Root, stopWhenListening: true);
            Assert.True(exitCode == 0, output);
        }
        finally
        {
            Directory.Delete(copy.Root, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunServiceAsync(string connectionString, string repositoryRoot, bool stopWhenListening = false)
    {
        var service = Path.Combine(AppContext.BaseDirectory, "Consent.Web.dll");
        var start = new ProcessStartInfo("dotnet", [service, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ConnectionStrings__Consent"] = connectionString;
        start.Environment["CONSENT_REPOSITORY_ROOT"] = repositoryRoot;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource();
        void Collect(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Now listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        if (stopWhenListening)
        {
            await Task.WhenAny(listening.Task, process.WaitForExitAsync(timeout.Token));
            if (listening.Task.IsCompleted)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
                return (0, output.ToString());
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, output.ToString());
    }
}
