using Consent.Web.Audit;
using Consent.Web.Data;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;

namespace Consent.Web.Cli;

/// <summary>
/// Command-line verbs that need the database: <c>audit [--full]</c> checks the event chains and stored records changed
/// since the audit last verified them (with <c>--full</c>, every one) and prints a report, and records the run on the system audit trail (<c>operations.audit.run</c>); it exits 1
/// when anything fails to verify or the run could not be recorded. <c>migrate</c> applies pending
/// migrations as the owner role (<c>ConnectionStrings:ConsentOwner</c>) and grants the runtime role
/// its privileges; it exits 1 when it could not. <c>reset-two-factor EMAIL</c> turns the account's
/// second factor off, ends its sign-ins and prints a new enrolment code: how an operator enrols the
/// first admin, or one who lost their phone when no other admin can. <c>seal-event-log</c>, as the
/// owner role, seals the events written before events were sealed, once each session checks out
/// (<see cref="EventLogSealing"/>); it exits 1 when a session was left unsealed.
/// <c>encrypt-key-ring [--apply]</c>, once after upgrading, lists (and with <c>--apply</c> makes) what it
/// would encrypt and seal: the Data Protection keys and
/// encrypts the authenticator keys an earlier version stored (<see cref="Identity.KeyRingAtRest"/>);
/// it exits 1 when a row was refused. It also seals the staff accounts an earlier version wrote
/// (<see cref="Identity.StaffAccountSeals"/>). <c>repair-staff-account EMAIL --roles R1,R2</c> (or
/// <c>--roles none</c>) puts back an account changed outside the service: exactly those roles, a
/// temporary password and a new two-factor enrolment, both printed once. <c>seed-demo-data</c>, Development
/// only, fills the database with fictional patients across every consent status (<see cref="DemoDataVerb"/>).
/// </summary>
public static class ServiceVerbs
{
    /// <summary>The verbs this class runs (the others are in <see cref="CommandLine"/>).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["audit", "migrate", "reset-two-factor", "seal-event-log", "encrypt-key-ring", "repair-staff-account", "create-staff-account",
            DemoDataVerb.Name];

    public static async Task<int?> TryRunWithServicesAsync(WebApplication app, string[] args)
    {
        // The host's own switches (--contentRoot DIR, which the scripts pass to every verb) are not the verb's arguments.
        args = HostSwitches.Strip(args);
        if (args.Length == 0)
        {
            return null;
        }

        return args[0] switch
        {
            "audit" => await AuditAsync(app, args),
            "migrate" => await MigrateAsync(app),
            "reset-two-factor" => await ResetTwoFactorAsync(app, args),
            "seal-event-log" => await SealEventLogAsync(app),
            "encrypt-key-ring" => await EncryptKeyRingAsync(app, args),
            "repair-staff-account" => await RepairStaffAccountAsync(app, args),
            "create-staff-account" => await CreateStaffAccountAsync(app, args),
            DemoDataVerb.Name => await DemoDataVerb.RunAsync(app, args),
            _ => null,
        };
    }

    private static async Task<int> AuditAsync(WebApplication app, string[] args)
    {
        // Incremental unless --full: only the sessions changed since the audit last verified them (Audit/AuditService.cs).
        if (args.Skip(1).FirstOrDefault(a => a != "--full") is { } unknown)
        {
            Console.Error.WriteLine($"audit takes only --full (every session, not only those changed since they were last verified); not {unknown}.");
            return 2;
        }

        var mode = args.Contains("--full") ? AuditMode.Full : AuditMode.Incremental;
        // The event seals are checked with a key derived from the key-encryption certificate.
        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }

        using var scope = app.Services.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(mode, CancellationToken.None);
        Console.WriteLine($"Audit at {report.CheckedAt:O}: {report.SessionsChecked} sessions, {report.EventsChecked} events, {report.RecordsChecked} records checked."
            // The first sentence keeps the form it always had (scripts and operators read it); the mode follows it.
            + (report.Mode == AuditMode.Incremental
                ? $" Incremental: {report.SessionsUnchanged} sessions unchanged since the audit verified them were not read (audit --full reads every one)."
                : " Full: every session read."));
        foreach (var finding in report.Findings)
        {
            Console.WriteLine($"  PROBLEM  session {finding.SessionId}{(finding.BrokenAtSeq is { } seq ? $" at event {seq}" : "")}"
                + $"{(finding.CheckpointId is { } checkpoint ? $" (checkpoint {checkpoint}, anchored at {finding.AnchoredAt?.UtcDateTime:O})" : "")}: {finding.What}");
        }

        if (report.SystemChain is { } system)
        {
            Console.WriteLine(system.Verified
                ? $"System audit trail: {system.EventsChecked} events, the chain verifies."
                : $"  PROBLEM  system audit trail at event {system.BrokenAtSeq}: {system.Problem}");
        }

        if (report.Checkpoints is { } anchors)
        {
            Console.WriteLine(anchors.CheckpointsChecked == 0
                ? "Chain checkpoints: none made yet."
                : $"Chain checkpoints: {anchors.CheckpointsChecked} checked, the latest {anchors.LatestId} anchored at {anchors.LatestAnchoredAt?.UtcDateTime:O}; "
                    + $"{anchors.AnchorFilesMatched} anchor file(s) match; {anchors.SessionsAnchored} session(s) anchored, "
                    + $"{anchors.SessionsNotYetAnchored} with {anchors.EventsNotYetAnchored} event(s) not yet anchored.");
            foreach (var failure in anchors.Problems)
            {
                Console.WriteLine($"  PROBLEM  checkpoint {failure.CheckpointId}{(failure.AnchoredAt is { } at ? $" (anchored at {at.UtcDateTime:O})" : "")}: {failure.What}");
            }
        }

        Console.WriteLine(report.Clean ? "Every chain and record verifies." : $"{report.ProblemCount} problem(s) found.");

        // The run and its results go on the system audit trail (21 CFR 11.10(e), 45 CFR 164.312(b)); no writer runs in a command, so it is written now.
        try
        {
            await SystemEvents.OperationsEvents.RecordAuditRunNowAsync(scope.ServiceProvider, report, CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException e)
        {
            Console.Error.WriteLine($"The audit run could not be recorded on the system audit trail: {e.Message}");
            return 1;
        }

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
        try
        {
            using (users.AllowResealing())
            {
                Succeeded(await users.RemoveFromRolesAsync(user, before.Except(roles)), "removing roles");
                Succeeded(await users.AddToRolesAsync(user, roles.Except(before)), "adding roles");
                temporary = await scope.ServiceProvider.GetRequiredService<Identity.StaffPasswords>().ResetAsync(user, resetBy: null);
                code = await scope.ServiceProvider.GetRequiredService<Identity.TwoFactorEnrolment>().ResetAsync(user, resetBy: null);
            }
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"The repair failed: {e.Message} The account may be partly changed; it stays refused. Run the command again once the cause is fixed.");
            return 1;
        }

        // What the database holds now, read back by role name, must be exactly what was asked.
        var after = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        var unsealed = await users.IsChangedOutsideAsync(user);
        if (unsealed || !after.SequenceEqual(roles.Order(StringComparer.Ordinal)))
        {
            Console.Error.WriteLine($"The account is not as asked: roles read back are {(after.Count == 0 ? "none" : string.Join(", ", after))}"
                + $"{(unsealed ? " and its seal does not hold" : "")}. See the log; it stays refused.");
            return 1;
        }

        Console.WriteLine($"Repaired and sealed: roles now {(roles.Length == 0 ? "none" : string.Join(", ", roles.Order(StringComparer.Ordinal)))}; "
            + "every sign-in of the account has ended. Give the staff member these two, each once and apart:");
        Console.WriteLine($"  temporary password (must be replaced at the first sign-in; works until {temporary.ExpiresAt:u}): {temporary.Password}");
        Console.WriteLine($"  two-factor enrolment code (works once, until {code.ExpiresAt:u}): {code.Code}");
        return 0;
    }

    /// <summary>
    /// <c>create-staff-account EMAIL "DISPLAY NAME" ROLE[,ROLE...]</c>: how an operator makes the first
    /// accounts outside Development (an account written with SQL carries no seal and signs in as
    /// nobody). The password is a temporary one, printed once, unless <c>CONSENT_STAFF_PASSWORD</c>
    /// gives one (from the environment, never the command line, which other users of the machine can
    /// read); a two-factor enrolment code is printed too.
    /// </summary>
    private static async Task<int> CreateStaffAccountAsync(WebApplication app, string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine($"usage: create-staff-account EMAIL \"DISPLAY NAME\" ROLE[,ROLE...]   (roles: {string.Join(", ", Identity.StaffRoles.All)})");
            return 2;
        }

        if (app.Services.GetService<KeyEncryptionProblem>() is { } problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }

        var chosen = Environment.GetEnvironmentVariable("CONSENT_STAFF_PASSWORD") is { Length: > 0 } p ? p : null;
        var password = chosen ?? Identity.OneTimeSecrets.New(4);
        using var scope = app.Services.CreateScope();
        // The roles are made at start-up; the first admin may be created before the service ever started
        // on this database (right after migrate), and must not be left without its role.
        await Identity.DemoAccounts.EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole<Guid>>>());
        var outcome = await scope.ServiceProvider.GetRequiredService<UseCases.Staff.StaffAdministration>().CreateWithPasswordAsync(
            new UseCases.Staff.CreateStaff(args[1], args[2], password, args[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                PasswordIsTemporary: chosen is null),
            adminId: null);
        switch (outcome)
        {
            case UseCases.Outcome<UseCases.Staff.EnrolmentCodeIssued>.Ok { Value: var made }:
                Console.WriteLine($"Created {made.Email} ({made.DisplayName}), roles {string.Join(", ", made.Roles)}, sealed.");
                if (chosen is null)
                {
                    Console.WriteLine($"  temporary password (must be replaced at the first sign-in): {password}");
                }

                Console.WriteLine($"  two-factor enrolment code (works once, until {made.TwoFactorEnrolmentCodeExpiresAt:u}): {made.TwoFactorEnrolmentCode}");
                return 0;
            case UseCases.Outcome<UseCases.Staff.EnrolmentCodeIssued>.Invalid { Errors: var errors }:
                foreach (var (field, messages) in errors)
                {
                    Console.Error.WriteLine($"{field}: {string.Join(" ", messages)}");
                }

                return 1;
            default:
                Console.Error.WriteLine($"Not created: {outcome}");
                return 1;
        }
    }

    private static void Succeeded(Microsoft.AspNetCore.Identity.IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    private static async Task<int> EncryptKeyRingAsync(WebApplication app, string[] args)
    {
        var apply = args.Skip(1).SequenceEqual(["--apply"]);
        if (!apply && args.Length > 1)
        {
            Console.Error.WriteLine("usage: encrypt-key-ring [--apply]   (without --apply it lists what it would seal and changes nothing)");
            return 2;
        }

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
            services.GetRequiredService<WorkflowVersions.ReviewSeals>(), services.GetRequiredService<ILoggerFactory>(), apply, CancellationToken.None);
        foreach (var done in outcome.Done)
        {
            Console.WriteLine($"  {(apply ? "done    " : "would   ")} {done}");
        }

        foreach (var refused in outcome.Refused)
        {
            Console.WriteLine($"  PROBLEM  {refused}");
        }

        Console.WriteLine(apply
            ? $"{outcome.Done.Count} change(s), {outcome.Refused.Count} refused."
            : $"Nothing was changed. {outcome.Done.Count} change(s) would be made, {outcome.Refused.Count} refused. Check the list first: every key should be "
                + "one the service made (its creation date when the service ran), every staff account should hold the roles you gave it, every ethics decision "
                + "should be one a reviewer made. Delete a row you cannot account for (it was planted), repair a wrong account with repair-staff-account "
                + "once sealed, then run encrypt-key-ring --apply.");
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
