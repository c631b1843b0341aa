using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;
using Npgsql;

namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real service as a child process (the built Consent.Web.dll) on a port the system gives it,
/// against its own fresh PostgreSQL database, plus one headless Debian chromium shared by the tests
/// of a collection.
/// </summary>
public class ServiceHost : IAsyncLifetime
{
    public const string DemoPassword = "e2e-demo-password-1";

    private readonly string serverConnection;
    private readonly string database = "consent_e2e_" + Guid.NewGuid().ToString("N")[..12];
    private readonly System.Text.StringBuilder log = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? service;
    private IPlaywright? playwright;

    public ServiceHost()
    {
        serverConnection = Environment.GetEnvironmentVariable("CONSENT_TEST_CONNECTION") is { Length: > 0 } connection
            ? connection
            : throw new InvalidOperationException(
                "CONSENT_TEST_CONNECTION is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where the service (Development, no SMTP host) writes the mail it sends, one .eml file each.</summary>
    public string MailFolder { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        await using (var connection = new NpgsqlConnection(serverConnection))
        {
            await connection.OpenAsync();
            // Owned by the owner role, which migrates it; the service runs as the runtime role (both made by pg_start).
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\" OWNER consent_owner", connection);
            await create.ExecuteNonQueryAsync();
        }

        // Port 0: the service binds a port the system picks and logs it. A port picked here and
        // released before the child binds it could be taken by someone else in between.
        var dataDir = Directory.CreateTempSubdirectory("consent-e2e-data-").FullName;
        MailFolder = Path.Combine(dataDir, "mail");
        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Consent.Web.dll"), "--urls", "http://127.0.0.1:0",
                "--contentRoot", Path.Combine(RepositoryRoot.Path, "src", "Consent.Web")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Consent"] = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database, Username = "consent_app" }.ConnectionString;
        start.Environment["ConnectionStrings__ConsentOwner"] = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database, Username = "consent_owner" }.ConnectionString;
        start.Environment["CONSENT_DEMO_PASSWORD"] = DemoPassword;
        start.Environment["Consent__ClinicPhone"] = "+1 555 0100";
        start.Environment["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path;
        start.Environment["CONSENT_DATA_DIR"] = dataDir;
        // No periodic audit mid-test (it has its own test in Consent.Web.Tests); the outbox worker runs, as records are part of the flows.
        start.Environment["Audit__IntervalMinutes"] = "0";
        // The renewal job every 3 seconds, so "Consents to renew" fills while a test waits (RenewalTests).
        start.Environment["Renewals__IntervalMinutes"] = "0.05";
        start.Environment["Renewals__FirstRunAfterSeconds"] = "1";
        // Each request's start and end, with its time, in the service log a failing test leaves behind (tests/test-output).
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        service = Process.Start(start)!;
        service.OutputDataReceived += Collect;
        service.ErrorDataReceived += Collect;
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();

        var launch = LaunchBrowserAsync();
        BaseUrl = await Deadline.ValueAsync("the service listening", () => service.HasExited
            ? throw new InvalidOperationException($"The service exited with {service.ExitCode}:\n{Log}")
            : Task.FromResult(listening.Task.IsCompleted ? listening.Task.Result : null));
        await WaitUntilReadyAsync();
        Browser = await launch;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (service is { HasExited: false })
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }

        service?.Dispose();
        // The service's own log, kept beside the screenshots: when a browser test fails, it says what the service was doing.
        var output = Path.Combine(RepositoryRoot.Path, "tests", "test-output");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, $"service-{GetType().Name}-{database}.log"), Log);
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>How many sessions, events, outbox jobs and records the service's database holds, as "s,e,o,r".</summary>
    public async Task<string> RowCountsAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnection) { Database = database }.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("""
            SELECT concat_ws(',', (SELECT count(*) FROM consent_sessions), (SELECT count(*) FROM consent_events),
                (SELECT count(*) FROM outbox_jobs), (SELECT count(*) FROM consent_records))
            """, connection);
        return (string)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>A fresh browser context (its own cookies) at a phone or desktop size, with or without JavaScript.</summary>
    /// <remarks>Timeouts are generous: the test machine is shared and can be very busy; a real failure still fails.</remarks>
    public async Task<IBrowserContext> NewContextAsync(Screen screen, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = screen switch
            {
                Screen.Phone => new ViewportSize { Width = 390, Height = 844 },
                Screen.Narrow => new ViewportSize { Width = 320, Height = 640 },
                Screen.SmallPhone => new ViewportSize { Width = 360, Height = 740 },
                _ => new ViewportSize { Width = 1280, Height = 900 },
            },
            IsMobile = screen != Screen.Desktop,
            HasTouch = screen != Screen.Desktop,
            JavaScriptEnabled = javaScript,
            Locale = "en-US",
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout((float)Deadline.Limit.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)Deadline.Limit.TotalMilliseconds);
        return context;
    }

    private async Task<IBrowser> LaunchBrowserAsync()
    {
        playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Deadline.UntilAsync("the service ready", async () =>
            {
                if (service!.HasExited)
                {
                    throw new InvalidOperationException($"The service exited with {service.ExitCode}:\n{Log}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false; // not listening yet, or too busy to answer in 5 s
                }
            });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{Log}", e);
        }
    }

    private void Collect(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(e.Data);
        }

        // Kestrel's start-up line: "Now listening on: http://127.0.0.1:41234".
        const string Listening = "Now listening on: ";
        if (e.Data.IndexOf(Listening, StringComparison.Ordinal) is var at and >= 0)
        {
            listening.TrySetResult(new Uri(e.Data[(at + Listening.Length)..].Trim()));
        }
    }
}

/// <summary>Window sizes: a common phone (390 px), the narrowest supported phone (320 px), a small phone (360 by 740, as patients were watched on), a desktop.</summary>
public enum Screen
{
    Phone,
    Narrow,
    SmallPhone,
    Desktop,
}

/// <summary>A service and browser for one test class only, for a test that changes what others rely on (still run in the browser collection, one after the other).</summary>
public sealed class OwnServiceHost : ServiceHost;

/// <summary>The tests sharing one service and browser; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<ServiceHost>
{
    public const string Name = "browser";
}
