using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Hosting;

/// <summary>Staff identity (cookies for pages, bearer tokens for API clients) and patient access tickets.</summary>
public static class IdentityRegistration
{
    public const string StaffCookie = "consent_staff";

    /// <summary>The header a page's own background requests carry, so they do not count as activity.</summary>
    public const string BackgroundHeader = "X-Consent-Background";

    private const string SelectScheme = "ConsentSelect";

    public static IServiceCollection AddConsentIdentity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // The key ring is shared by every node through PostgreSQL, and encrypted there with a
        // certificate kept outside the database. Data Protection needs the certificate while it is
        // being configured; a missing one is reported by CheckKeyEncryption, after the signing
        // certificate's check, and stops start-up with a message. Every row is also sealed with a key
        // derived from the certificate's private key, and a row whose seal does not hold, or whose
        // secret is readable, is refused and logged (SealedKeyRing): the runtime role may write the
        // table, and anyone may encrypt to the public certificate.
        var dataProtection = services.AddDataProtection().SetApplicationName("Consent");
        try
        {
            var keys = KeyEncryption.Load(configuration, environment);
            services.AddSingleton(keys);
            services.AddSingleton<KeyRingSeals>();
            services.AddSingleton<SealedKeyRing>();
            services.AddSingleton<AuthenticatorSecrets>();
            services.AddSingleton<StaffAccountSeals>();
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
                new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = provider.GetRequiredService<SealedKeyRing>()));
            dataProtection.ProtectKeysWithCertificate(keys.Current).UnprotectKeysWithAnyCertificate([.. keys.All]);
        }
        catch (StartupProblemException problem)
        {
            services.AddSingleton(new KeyEncryptionProblem(problem.Message));
        }

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SelectScheme;
                options.DefaultChallengeScheme = SelectScheme;
                options.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(SelectScheme, "Cookie, staff bearer token or patient ticket", options =>
                options.ForwardDefaultSelector = SelectFor)
            .AddBearerToken(IdentityConstants.BearerScheme, options => options.BearerTokenExpiration = TimeSpan.FromHours(1))
            .AddScheme<AuthenticationSchemeOptions, PatientAccessHandler>(PatientAccess.Scheme, null)
            .AddIdentityCookies();

        services.AddIdentityCore<StaffUser>(options =>
            {
                // NIST SP 800-63B: length over composition rules.
                options.Password.RequiredLength = 12;
                options.Password.RequiredUniqueChars = 5;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;

                // Each authenticator code signs in once (AuthenticatorCodes).
                options.Tokens.AuthenticatorTokenProvider = AuthenticatorCodes.ProviderName;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<ConsentDbContext>()
            .AddUserStore<StaffUserStore>()
            .AddUserManager<StaffUserManager>()
            .AddPasswordValidator<StaffPasswordRules>()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<AuthenticatorCodes>(AuthenticatorCodes.ProviderName);
        services.AddSingleton<StaffStandings>();
        services.AddSingleton<StaffSignInVerdicts>();
        services.AddScoped<StaffSignIn>();
        services.AddScoped<StaffPasswords>();
        services.AddScoped<LockoutAlerts>();
        services.AddScoped<Alerts.AlertDigests>();
        services.AddHostedService<Alerts.AlertDigestWorker>();
        services.AddScoped<AccountLinks>();
        services.AddScoped<StaffSignIns>();
        services.AddScoped<StaffSignatures>();
        services.AddSingleton<TrainingAttestation>();
        services.AddScoped<TwoFactorEnrolment>();

        // The cookie's own stamp check runs as often as StaffSignInCheck's database look-ups, and a
        // cookie it renews keeps the sign-in's second factor (Identity rebuilds the principal from
        // the account and would drop it, locking an auditor out after the first renewal).
        services.Configure<SecurityStampValidatorOptions>(options =>
        {
            options.ValidationInterval = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Identity:SignInCheckSeconds", 60), 0, 60));
            options.OnRefreshingPrincipal = KeepSecondFactor;
        });

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = StaffCookie;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            // Identity:IdleMinutes without a request the person made ends the page sign-in (renewed on each
            // such request below); Identity:MaxSignInHours ends any sign-in (StaffSignInVerdicts).
            options.ExpireTimeSpan = TimeSpan.FromMinutes(Math.Clamp(configuration.GetValue("Identity:IdleMinutes", 15), 1, 480));
            options.SlidingExpiration = false;
            options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context =>
            {
                // A page refused only because the account still owes something first (a temporary password,
                // an authenticator, the training attestation) sends the person to where it is done.
                if (!context.Request.Path.StartsWithSegments("/api") && context.HttpContext.User.FindFirst(StaffSignInVerdicts.DueClaim)?.Value is { } due)
                {
                    context.Response.Redirect(due == "training" ? "/account/training" : "/account");
                    return Task.CompletedTask;
                }

                return ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            };
        });

        services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, options =>
        {
            var stampCheck = options.Events.OnValidatePrincipal;
            options.Events.OnValidatePrincipal = async context =>
            {
                await stampCheck(context);
                // The idle clock restarts on every request the person made. A page's background refresh
                // (staff.js sends X-Consent-Background) does not count: a page left open is idle.
                // (Identity's stamp check, renewing a cookie without sliding expiration, keeps its expiry: the
                // new issue time set here makes the renewal count the whole idle time from now.)
                if (context.Principal is not null && !context.Request.Headers.ContainsKey(BackgroundHeader))
                {
                    var now = (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
                    context.Properties.IssuedUtc = now;
                    context.Properties.ExpiresUtc = now + context.Options.ExpireTimeSpan;
                    context.ShouldRenew = true;
                }
            };
        });

        services.AddAuthorizationBuilder().AddConsentPolicies();
        return services;
    }

    /// <summary>Checks every staff sign-in against the account as it is now (<see cref="StaffSignInCheck"/>); goes right after authentication.</summary>
    public static IApplicationBuilder UseStaffSignInCheck(this IApplicationBuilder app) => app.UseMiddleware<StaffSignInCheck>();

    /// <summary>Loads the key-encryption certificate now, so a missing or unusable one stops start-up with a clear message.</summary>
    /// <exception cref="StartupProblemException">What the operator must fix.</exception>
    public static void CheckKeyEncryption(this WebApplication app)
    {
        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            throw new StartupProblemException(problem.Message);
        }

        var keys = app.Services.GetRequiredService<KeyEncryption>();
        app.Logger.LogInformation("The Data Protection key ring is encrypted with {Subject} (SHA-256 thumbprint {Thumbprint}) from {Source}.",
            keys.Current.Subject, keys.Current.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), keys.Source);
    }

    /// <summary>Keeps the sign-in's own claims (second factor, id, start: <see cref="StaffSignIns"/>) in the principal Identity rebuilds from the account.</summary>
    private static Task KeepSecondFactor(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.NewPrincipal?.Identity is not System.Security.Claims.ClaimsIdentity identity || context.CurrentPrincipal is null)
        {
            return Task.CompletedTask;
        }

        foreach (var type in new[] { Policies.TwoFactorClaim, StaffSignIns.IdClaim, StaffSignIns.StartedClaim })
        {
            if (context.CurrentPrincipal.FindFirst(type) is { } claim && !identity.HasClaim(c => c.Type == type))
            {
                identity.AddClaim(new System.Security.Claims.Claim(claim.Type, claim.Value));
            }
        }

        return Task.CompletedTask;
    }

    private static string SelectFor(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api/v1/patient") || path.StartsWithSegments("/p"))
        {
            return PatientAccess.Scheme;
        }

        return context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
            ? IdentityConstants.BearerScheme
            : IdentityConstants.ApplicationScheme;
    }

    /// <remarks>API callers get a status code, never an HTML login redirect.</remarks>
    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Why the key-encryption certificate could not be loaded, kept until start-up reports it.</summary>
public sealed record KeyEncryptionProblem(string Message);
