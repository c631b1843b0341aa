using System.Security.Claims;
using System.Text.Json.Nodes;
using Consent.Web.SystemEvents;
using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Identity;

/// <summary>How a staff sign-in attempt ended.</summary>
public enum SignInOutcome
{
    /// <summary>Unknown email, wrong password, locked or deactivated account, expired temporary password: one answer for all.</summary>
    Refused,

    /// <summary>The password was right, but the account uses two-factor and the code was missing or wrong.</summary>
    SecondFactorNeeded,

    SignedIn,
}

/// <summary>The outcome, and for a sign-in the account and whether it passed a second factor.</summary>
public sealed record SignInAttempt(SignInOutcome Outcome, StaffUser? User = null, bool PassedSecondFactor = false)
{
    /// <summary>Whether the account signed in with a temporary password it must replace first.</summary>
    public bool PasswordChangeRequired => User?.TemporaryPasswordExpiresAt is not null;

    /// <summary>The claim every staff sign-in carries, saying whether it passed a second factor.</summary>
    public Claim SecondFactorClaim => new(Policies.TwoFactorClaim, PassedSecondFactor ? "true" : "false");
}

/// <summary>
/// Checks a staff member's email, password and authenticator code, for the API's bearer tokens and
/// the pages' cookie alike.
/// </summary>
/// <remarks>
/// <para>Every refused attempt costs the same password hash, whether or not the email belongs to an
/// account: unknown emails, locked and deactivated accounts are checked against a decoy hash, so
/// the time taken does not tell which emails exist. Failures count towards lockout.
/// </para>
/// <para>An account whose seal does not hold (<see cref="StaffAccountSeals"/>: its password hash, roles
/// or second factor were changed outside the service) is refused before its password is tried, with
/// the same answer, and logged as an <c>AUDIT ALERT</c>.</para>
/// </remarks>
public sealed class StaffSignIn(
    UserManager<StaffUser> users, SignInManager<StaffUser> signIn, IPasswordHasher<StaffUser> hasher, TimeProvider clock, StaffAccountSeals seals,
    Data.ConsentDbContext db, ILogger<StaffSignIn> logger, SystemAudit audit)
{
    private static string? decoyHash;

    /// <summary>
    /// Checks the attempt and records its outcome on the system audit trail (21 CFR 11.10(e), 45 CFR 164.312(b)):
    /// the email tried and why it was refused, never the password or the code.
    /// </summary>
    public async Task<SignInAttempt> CheckAsync(string email, string password, string? twoFactorCode)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (attempt, reason, account) = await DecideAsync(email, password, twoFactorCode);
        // A refused attempt answers after the same time whether or not the email has an account: a wrong password for
        // one is also counted towards its lockout under its row lock (a few database writes), which an unknown email is
        // not, and an outside review timed the difference (about 0.16 s against 0.07 s).
        if (attempt.Outcome != SignInOutcome.SignedIn)
        {
            // Task.Delay's timer can wake a fraction of a millisecond before the stopwatch says the time is up (a full
            // test run saw 399.3 ms): wait again until it has, at least a millisecond at a time.
            for (var left = RefusedAnswerTime - System.Diagnostics.Stopwatch.GetElapsedTime(started); left > TimeSpan.Zero;
                left = RefusedAnswerTime - System.Diagnostics.Stopwatch.GetElapsedTime(started))
            {
                await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left);
            }
        }

        if (attempt.Outcome == SignInOutcome.SignedIn)
        {
            audit.RecordFor(SystemEventTypes.SignInSucceeded, attempt.User!.Id, attempt.User.Email,
                new JsonObject { ["secondFactor"] = attempt.PassedSecondFactor, ["temporaryPassword"] = attempt.PasswordChangeRequired });
        }
        else
        {
            var detail = new JsonObject { ["emailTried"] = EmailTried(email), ["reason"] = reason };
            if (account is not null)
            {
                detail["account"] = account.Value.ToString("D");
            }

            audit.Record(SystemEventTypes.SignInFailed, detail);
        }

        return attempt;
    }

    /// <summary>How long a refused sign-in takes to answer at least, whatever the email (longer than the work for an account takes).</summary>
    public static readonly TimeSpan RefusedAnswerTime = TimeSpan.FromMilliseconds(400);

    /// <summary>What was typed in the email box, for the audit trail: only when it is an email address. Anything else may be
    /// a password typed in the wrong box, and the trail is kept for ever, so it is recorded as <c>(not an email address)</c>.</summary>
    public static string EmailTried(string? typed)
    {
        var (clean, error) = Consent.Web.Sessions.EmailInput.Clean(typed, "email", required: true);
        return error is null && clean is not null ? clean : NotAnEmail;
    }

    /// <summary>What <see cref="EmailTried"/> records for text that is not an email address.</summary>
    public const string NotAnEmail = "(not an email address)";

    private async Task<(SignInAttempt Attempt, string Reason, Guid? Account)> DecideAsync(string email, string password, string? twoFactorCode)
    {
        StaffUser? user;
        try
        {
            user = await users.FindByEmailAsync(email.Trim());
        }
        catch (InvalidOperationException e) when (e.InnerException is null)
        {
            // Two accounts with one email (LINQ's Single found a second row): the service never makes that
            // (accounts are never deleted and emails never reused), so a row was written outside it. A database
            // failure is an InvalidOperationException too - Npgsql's execution strategy wraps a transient one -
            // but with the failure inside: that one goes on to the problem handler, a 503 the caller may retry.
            logger.LogCritical("AUDIT ALERT: more than one staff account has the email a sign-in named; AspNetUsers was changed outside the service. The sign-in is refused.");
            SpendTheHashingWork(password);
            return (new SignInAttempt(SignInOutcome.Refused), "duplicate-email", null);
        }

        if (user is null)
        {
            SpendTheHashingWork(password);
            return (new SignInAttempt(SignInOutcome.Refused), "unknown-email", null);
        }

        // One account's sign-ins are decided one at a time, under its row lock, from the account as stored: a burst of
        // guesses sent at once was otherwise each checked against the password hash before the first failures were
        // counted, so an address had as many guesses as its rate limit allowed, not the five before the lockout.
        var manager = (StaffUserManager)users;
        await using var own = await manager.LockAndReloadAsync(user);
        var decided = await DecideLockedAsync(user, password, twoFactorCode);
        if (own is not null)
        {
            await own.CommitAsync();
        }

        return decided;
    }

    private async Task<(SignInAttempt Attempt, string Reason, Guid? Account)> DecideLockedAsync(StaffUser user, string password, string? twoFactorCode)
    {
        // An invited account has no password yet: refused after the same hashing work, and without counting
        // towards a lockout (there is nothing to guess), so the answer does not tell that an invitation is pending.
        if (user.DeactivatedAt is not null || user.PasswordHash is null || await users.IsLockedOutAsync(user))
        {
            SpendTheHashingWork(password);
            return (new SignInAttempt(SignInOutcome.Refused),
                user.DeactivatedAt is not null ? "deactivated" : user.PasswordHash is null ? "invitation-pending" : "locked-out", user.Id);
        }

        if (await seals.CheckStoredAsync(db, user, CancellationToken.None) is var seal && seal != SealState.Holds)
        {
            logger.LogCritical("AUDIT ALERT: a sign-in to staff account {UserId} is refused: {Why}.", user.Id, StaffAccountSeals.Why(seal));
            SpendTheHashingWork(password);
            return (new SignInAttempt(SignInOutcome.Refused), "account-changed-outside", user.Id);
        }

        if (!(await signIn.CheckPasswordSignInAsync(user, StaffPasswords.AsIssued(users, user, password), lockoutOnFailure: true)).Succeeded)
        {
            return (new SignInAttempt(SignInOutcome.Refused), "wrong-password", user.Id);
        }

        // A temporary password an admin set stops working after its time (StaffPasswords).
        if (user.TemporaryPasswordExpiresAt <= clock.GetUtcNow())
        {
            return (new SignInAttempt(SignInOutcome.Refused), "temporary-password-expired", user.Id);
        }

        var passedSecondFactor = false;
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var code = (twoFactorCode ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.AccessFailedAsync(user);
                return (new SignInAttempt(SignInOutcome.SecondFactorNeeded), code.Length == 0 ? "second-factor-missing" : "second-factor-wrong", user.Id);
            }

            passedSecondFactor = true;
        }

        await users.ResetAccessFailedCountAsync(user);
        return (new SignInAttempt(SignInOutcome.SignedIn, user, passedSecondFactor), "", user.Id);
    }

    /// <summary>A password check against a hash no password matches, made by the same hasher with the same work factor.</summary>
    private void SpendTheHashingWork(string password)
    {
        var decoy = new StaffUser();
        decoyHash ??= hasher.HashPassword(decoy, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        _ = hasher.VerifyHashedPassword(decoy, decoyHash, password);
    }
}
