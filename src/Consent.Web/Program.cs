using Consent.Web.Api;
using Consent.Web.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);

builder.Services
    .AddConsentDatabase()
    .AddConsentIdentity(builder.Environment)
    .AddConsentApi()
    .AddConsentHealthChecks()
    .AddRazorPages();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseConsentSecurityHeaders();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseConsentLogScope();

app.MapConsentHealth();
app.MapOpenApi().AllowAnonymous();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference().AllowAnonymous();
}

app.MapAuthApi();
app.MapAccountApi();
app.MapAdminApi();
app.MapRazorPages();

await app.PrepareDatabaseAsync();
await app.RunAsync();

/// <summary>The web host's entry point, public so integration tests can host it.</summary>
public partial class Program;
