using Consent.Web.Api;
using Consent.Web.Cli;
using Consent.Web.Hosting;
using Consent.Web.SystemEvents;
using Scalar.AspNetCore;

if (CommandLine.TryRun(args, out var exitCode))
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);

// No request needs more than a few MB; the record upload raises its own limit (RecordsApi).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
if (builder.Environment.IsDevelopment())
{
    builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
}
else
{
    builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);
}

// Patient link tokens never reach a log, whichever provider writes it (Hosting/LinkTokenRedaction.cs).
RedactingLoggerFactory.Register(builder.Services);

builder.Services
    .AddConsentSettings(builder.Configuration)
    .AddConsentDatabase()
    .AddConsentIdentity(builder.Configuration, builder.Environment)
    .AddConsentApi()
    .AddConsentHealthChecks()
    .AddConsentRateLimits()
    .AddConsentReverseProxy(builder.Configuration)
    .AddConsentSessions()
    .AddConsentUseCases()
    .AddConsentRecords(builder.Environment)
    .AddConsentMail(builder.Environment)
    .AddConsentPages()
    .AddConsentSystemEvents();

// seed-demo-data (Development only) runs the use cases under a clock it sets back; the service never does.
DemoDataVerb.UseDemoClock(builder, args);

var app = builder.Build();

app.UseConsentReverseProxy();
app.UseExceptionHandler();
app.UseStatusCodePages();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseConsentSecurityHeaders();
app.UseConsentHttpsPages();
app.UseConsentNulCharacterCheck();
app.UseConsentSameOriginApi();
app.UseStaticFiles();
app.UseAuthentication();
app.UseStaffSignInCheck();
app.UseAuthorization();
// Every successful staff read of patient data, on the system audit trail (SystemEvents/, 45 CFR 164.312(b)).
app.UsePatientDataReadAudit();
app.UseRateLimiter();
app.UseConsentLogScope();
app.UseConsentJsonRequests();

app.MapConsentHealth();
app.MapOpenApi().AllowAnonymous();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference().AllowAnonymous();
}

app.MapAuthApi();
app.MapAccountApi();
app.MapAdminApi();
app.MapWorkflowsApi();
app.MapSessionsApi();
app.MapPatientsApi();
app.MapRenewalsApi();
app.MapPatientApi();
app.MapCdsHooksApi();
app.MapConsentRecords();
app.MapSystemEventsApi();
app.MapConsentPages();

// Verbs that read the database run before start-up work, so they never change what they check.
if (await ServiceVerbs.TryRunWithServicesAsync(app, args) is { } commandExit)
{
    return commandExit;
}

try
{
    await app.CheckAndPrepareAsync();
}
catch (StartupProblemException problem)
{
    // An operator error, not a crash: say what to fix, without a stack trace.
    Console.Error.WriteLine(problem.Message);
    return 1;
}

await app.RunAsync();
return 0;

/// <summary>The web host's entry point, public so integration tests can host it.</summary>
public partial class Program;
