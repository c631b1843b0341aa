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
/// it exits 1 when a row was refused. It also seals the staff accounts an earlier version wrote
/// (<see cref="Identity.StaffAccountSeals"/>). <c>repair-staff-account EMAIL --roles R1,R2</c> (or
/// <c>--roles none</c>) puts back an account changed outside the service: exactly those roles, a
/// temporary password and a new two-factor enrolment, both printed once.
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
            "repair-staff-account" => await RepairStaffAccountAsync(app, args),
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

        if (await users.IsChangedOutsideAsync(user))
        {
            Console.Error.WriteLine($"{user.Email} was changed outside the service (its seal does not hold); nothing was changed. "
                + "Repair it with: repair-staff-account EMAIL --roles ROLE[,ROLE...]");
            return 1;
        }

        var code = await scope.ServiceProvider.GetRequiredService<Identity.TwoFactorEnrolment>().ResetAsync(user, resetBy: null);
        Console.WriteLine($"The second factor of {user.Email} is off and its sign-ins have ended. Enrolment code (works once, until {code.ExpiresAt:u}):");
        Console.WriteLine(code.Code);
        return 0;
    }

    private static async Task<int> RepairStaffAccountAsync(WebApplication app, string[] args)
    {
        if (args.Length != 4 || args[2] != "--roles")
        {
            Console.Error.WriteLine($"usage: repair-staff-account EMAIL --roles ROLE[,ROLE...]|none   (roles: {string.Join(", ", Identity.StaffRoles.All)})");
            return 2;
        }

        string[] roles = args[3] == "none" ? [] : args[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if ((roles.Length == 0 && args[3] != "none") || roles.Any(r => !Identity.StaffRoles.All.Contains(r)))
        {
            Console.Error.WriteLine($"Unknown role in '{args[3]}'. Roles are {string.Join(", ", Identity.StaffRoles.All)}, or 'none'.");
            return 2;
        }

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

        var before = await users.GetRolesAsync(user);
        Console.WriteLine($"{user.Email} ({user.DisplayName}): seal {(await users.IsChangedOutsideAsync(user) ? "does not hold" : "holds")}, "
            + $"roles were {(before.Count == 0 ? "none" : string.Join(", ", before.Order(StringComparer.Ordinal)))}, "
            + $"two-factor {(user.TwoFactorEnabled ? "on" : "off")}{(user.DeactivatedAt is null ? "" : ", deactivated")}.");
        Identity.StaffPasswords.Temporary temporary;
        Identity.TwoFactorEnrolment.IssuedCode code;
        using (users.AllowResealing())
        {
            await users.RemoveFromRolesAsync(user, before.Except(roles));
            await users.AddToRolesAsync(user, roles.Except(before));
            temporary = await scope.ServiceProvider.GetRequiredService<Identity.StaffPasswords>().ResetAsync(user, resetBy: null);
            code = await scope.ServiceProvider.GetRequiredService<Identity.TwoFactorEnrolment>().ResetAsync(user, resetBy: null);
        }

        if (await users.IsChangedOutsideAsync(user))
        {
            Console.Error.WriteLine("The account could not be sealed again; see the log above.");
            return 1;
        }

        Console.WriteLine($"Repaired and sealed: roles now {(roles.Length == 0 ? "none" : string.Join(", ", roles.Order(StringComparer.Ordinal)))}; "
            + "every sign-in of the account has ended. Give the staff member these two, each once and apart:");
        Console.WriteLine($"  temporary password (must be replaced at the first sign-in; works until {temporary.ExpiresAt:u}): {temporary.Password}");
        Console.WriteLine($"  two-factor enrolment code (works once, until {code.ExpiresAt:u}): {code.Code}");
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
            services.GetRequiredService<Identity.AuthenticatorSecrets>(), services.GetRequiredService<Identity.StaffAccountSeals>(),
            services.GetRequiredService<WorkflowVersions.ReviewSeals>(), services.GetRequiredService<ILoggerFactory>(), CancellationToken.None);
        foreach (var done in outcome.Done)
        {
            Console.WriteLine($"  done     {done}");
        }

        foreach (var refused in outcome.Refused)
        {
            Console.WriteLine($"  PROBLEM  {refused}");
        }

        Console.WriteLine($"{outcome.Done.Count} change(s), {outcome.Refused.Count} row(s) refused. Every key above should be one the service made: "
            + "one you cannot account for (a creation date when nothing ran, a row id you did not expect) was planted; delete its row. "
            + "Every staff account above should hold the roles you gave it: repair one that does not with repair-staff-account.");
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
