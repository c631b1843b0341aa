using Consent.Web.Audit;
using Consent.Web.Data;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;

namespace Consent.Web.Cli;

/// <summary>
/// Command-line verbs that need the database: <c>audit</c> checks every event chain and stored record
/// and prints a report; it exits 1 when anything fails to verify. <c>migrate</c> applies pending
/// migrations as the owner role (<c>ConnectionStrings:ConsentOwner</c>) and grants the runtime role
/// its privileges; it exits 1 when it could not. <c>reset-two-factor EMAIL</c> turns the account's
/// second factor off, ends its sign-ins and prints a new enrolment code: how an operator enrols the
/// first admin, or one who lost their phone when no other admin can. <c>seal-event-log</c>, as the
/// owner role, seals the events written before events were sealed, once each session checks out
/// (<see cref="EventLogSealing"/>); it exits 1 when a session was left unsealed.
/// <c>encrypt-key-ring</c>, once after upgrading, encrypts and seals the Data Protection keys and
/// encrypts the authenticator keys an earlier version stored (<see cref="Identity.KeyRingAtRest"/>);
/// it exits 1 when a row was refused.
/// </summary>
public static class ServiceVerbs
{
    public static async Task<int?> TryRunWithServicesAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0)
        {
            return null;
        }

        return args[0] switch
        {
            "audit" => await AuditAsync(app),
            "migrate" => await MigrateAsync(app),
            "reset-two-factor" => await ResetTwoFactorAsync(app, args),
            "seal-event-log" => await SealEventLogAsync(app),
            "encrypt-key-ring" => await EncryptKeyRingAsync(app),
            _ => null,
        };
    }

    private static async Task<int> AuditAsync(WebApplication app)
    {
        // The event seals are checked with a key derived from the key-encryption certificate.
        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }

        using var scope = app.Services.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
        Console.WriteLine($"Audit at {report.CheckedAt:O}: {report.SessionsChecked} sessions, {report.EventsChecked} events, {report.RecordsChecked} records checked.");
        foreach (var finding in report.Findings)
        {
            Console.WriteLine($"  PROBLEM  session {finding.SessionId}{(finding.BrokenAtSeq is { } seq ? $" at event {seq}" : "")}: {finding.What}");
        }

        Console.WriteLine(report.Clean ? "Every chain and record verifies." : $"{report.Findings.Count} problem(s) found.");
        return report.Clean ? 0 : 1;
    }

    private static async Task<int> MigrateAsync(WebApplication app)
    {
        if (DatabaseRoles.OwnerConnectionString(app.Configuration) is not { } owner)
        {
            Console.Error.WriteLine("migrate needs ConnectionStrings__ConsentOwner: the connection string of the role that owns the database.");
            return 2;
        }

        var role = DatabaseRoles.RuntimeRole(app.Configuration);
        try
        {
            await using var db = DatabaseRoles.OwnerContext(owner);
            var applied = await StartupLock.HoldAsync(db, () => DatabaseRoles.MigrateAndGrantAsync(db, role, CancellationToken.None));
            Console.WriteLine(applied.Count == 0 ? "No migrations were pending." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
            var guarded = AppendOnlyTables.UpdatableColumns.Select(t => $"UPDATE of {string.Join(", ", t.Value)} only on {t.Key}");
            Console.WriteLine($"Granted {role} SELECT and INSERT only on {string.Join(", ", AppendOnlyTables.Names)}, {string.Join(", ", guarded)}, "
                + "and SELECT, INSERT, UPDATE, DELETE on the other tables.");
            return 0;
        }
        catch (StartupProblemException problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 1;
        }
        catch (Npgsql.NpgsqlException e)
        {
            Console.Error.WriteLine($"Could not reach the database as the owner role: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> ResetTwoFactorAsync(WebApplication app, string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: reset-two-factor EMAIL");
            return 2;
        }

        // The account's authenticator keys are encrypted with the key-encryption certificate.
        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Identity.StaffUserManager>();
        if (await users.FindByEmailAsync(args[1]) is not { } user)
        {
            Console.Error.WriteLine($"No staff account has the email {args[1]}.");
            return 1;
        }

        var code = await scope.ServiceProvider.GetRequiredService<Identity.TwoFactorEnrolment>().ResetAsync(user, resetBy: null);
        Console.WriteLine($"The second factor of {user.Email} is off and its sign-ins have ended. Enrolment code (works once, until {code.ExpiresAt:u}):");
        Console.WriteLine(code.Code);
        return 0;
    }

    private static async Task<int> EncryptKeyRingAsync(WebApplication app)
    {
        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }

        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var outcome = await Identity.KeyRingAtRest.EncryptAndSealAsync(services.GetRequiredService<ConsentDbContext>(),
            services.GetRequiredService<Identity.KeyEncryption>(), services.GetRequiredService<Identity.KeyRingSeals>(),
            services.GetRequiredService<Identity.AuthenticatorSecrets>(), services.GetRequiredService<ILoggerFactory>(), CancellationToken.None);
        foreach (var done in outcome.Done)
        {
            Console.WriteLine($"  done     {done}");
        }

        foreach (var refused in outcome.Refused)
        {
            Console.WriteLine($"  PROBLEM  {refused}");
        }

        Console.WriteLine($"{outcome.Done.Count} change(s), {outcome.Refused.Count} row(s) refused. Every key above should be one the service made: "
            + "one you cannot account for (a creation date when nothing ran, a row id you did not expect) was planted; delete its row.");
        return outcome.Refused.Count == 0 ? 0 : 1;
    }

    private static async Task<int> SealEventLogAsync(WebApplication app)
    {
        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }

        if (DatabaseRoles.OwnerConnectionString(app.Configuration) is not { } owner)
        {
            Console.Error.WriteLine("seal-event-log needs ConnectionStrings__ConsentOwner: only the role that owns the event table may set seals on existing events.");
            return 2;
        }

        await using var db = DatabaseRoles.OwnerContext(owner);
        var seals = app.Services.GetRequiredService<Sessions.EventSeals>();
        EventLogSealing.Outcome outcome;
        try
        {
            outcome = await EventLogSealing.SealUnsealedAsync(db, seals, CancellationToken.None);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.Error.WriteLine($"ConnectionStrings__ConsentOwner does not name the role that owns the event table ({e.MessageText}); nothing was sealed.");
            return 1;
        }
        catch (Npgsql.NpgsqlException e)
        {
            Console.Error.WriteLine($"Could not reach the database as the owner role: {e.Message}; nothing was sealed.");
            return 1;
        }

        foreach (var (session, events) in outcome.Sealed)
        {
            Console.WriteLine($"  sealed   session {session}: {events} event(s)");
        }

        foreach (var finding in outcome.Refused)
        {
            Console.WriteLine($"  PROBLEM  session {finding.SessionId}{(finding.BrokenAtSeq is { } seq ? $" at event {seq}" : "")}: {finding.What} (left unsealed)");
        }

        Console.WriteLine($"Sealed {outcome.Sealed.Sum(s => s.Events)} event(s) in {outcome.Sealed.Count} session(s) with key {seals.CurrentKeyId}; "
            + $"{outcome.Refused.Count} session(s) left unsealed.");
        return outcome.Refused.Count == 0 ? 0 : 1;
    }
}
