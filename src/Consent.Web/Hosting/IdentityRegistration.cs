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
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<AuthenticatorCodes>(AuthenticatorCodes.ProviderName);
        services.AddSingleton<StaffStandings>();
        services.AddSingleton<StaffSignInVerdicts>();
        services.AddScoped<StaffSignIn>();
        services.AddScoped<StaffPasswords>();
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
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
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

    private static Task KeepSecondFactor(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(Policies.TwoFactorClaim) is { } claim && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
        {
            identity.AddClaim(new System.Security.Claims.Claim(claim.Type, claim.Value));
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
