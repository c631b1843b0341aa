using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Mail;
using Consent.Web.SystemEvents;

namespace Consent.Web.UseCases.Staff;

/// <summary>What an emailed link is, as its page shows it before the password is chosen.</summary>
public sealed record AccountLinkView(string Purpose, string Email, string DisplayName, DateTimeOffset ExpiresAt);

/// <summary>A password set from a link: the account, and for an invitation the one-time code that starts the authenticator set-up.</summary>
public sealed record PasswordSetFromLink(StaffUser User, bool Invitation, TwoFactorEnrolment.IssuedCode? EnrolmentCode);

/// <summary>
/// The emailed links' use cases, for the anonymous <c>/account/link/{token}</c> page and
/// <c>/api/v1/auth/...</c>: accept an invitation, ask for a password reset, and reset the password.
/// Each is recorded on the system audit trail (21 CFR 11.10(e)).
/// </summary>
public sealed class StaffLinks(
    StaffUserManager users, AccountLinks links, StaffPasswords passwords, TwoFactorEnrolment enrolment, StaffMail mail, ConsentDbContext db,
    Consent.Web.Sessions.PublicAddress address, SystemAudit audit, TimeProvider clock)
{
    /// <summary>
    /// The least time between two reset mails to one account: a repeat sooner mails nothing and keeps the link
    /// already mailed, so a stranger who knows the email can neither flood the mailbox nor keep voiding the link.
    /// </summary>
    public static readonly TimeSpan ResetRepeatInterval = TimeSpan.FromMinutes(5);

    private const string InvalidLink =
        "This link does not work: it was used already, a newer one replaced it, or it ran out. Ask an administrator to send a new invitation, or ask for a new reset link on the sign-in page.";

    /// <summary>What the link opens, or null when it opens nothing.</summary>
    public async Task<AccountLinkView?> ViewAsync(string? token) =>
        await links.FindAsync(AccountLinks.TokenOf(token)) is { } user
            ? new AccountLinkView(user.AccountLinkPurpose!, user.Email!, user.DisplayName, user.AccountLinkExpiresAt!.Value)
            : null;

    /// <summary>
    /// Sets the password the link allows: the first one (an invitation, which activates the account and
    /// gives its holder the code that starts an authenticator set-up) or a new one (a reset).
    /// </summary>
    public async Task<Outcome<PasswordSetFromLink>> SetPasswordAsync(string? token, string? password)
    {
        if (await links.FindAsync(AccountLinks.TokenOf(token)) is not { } user)
        {
            return FieldErrors.One("token", InvalidLink);
        }

        // One use, even when the link is sent twice at once: the second, under the account's row lock, finds it used.
        await using var own = await users.LockAndReloadAsync(user);
        if (!links.IsCurrent(user, AccountLinks.TokenOf(token)!))
        {
            return FieldErrors.One("token", InvalidLink);
        }

        var invitation = user.AccountLinkPurpose == AccountLinks.Invitation;
        if (await passwords.SetFromLinkAsync(user, password) is { } errors)
        {
            return new FieldErrors(errors);
        }

        // The invitee, and only they, gets the code that lets a password holder attach an authenticator
        // (TwoFactorEnrolment): Admin and Auditor accounts must set one up before their first page.
        TwoFactorEnrolment.IssuedCode? code = invitation && !user.TwoFactorEnabled ? await enrolment.IssueAsync(user, null, toInvitee: true) : null;
        audit.RecordFor(invitation ? SystemEventTypes.AccountActivated : SystemEventTypes.PasswordResetByLink, user.Id, user.Email,
            new JsonObject { ["account"] = user.Id.ToString("D") });
        if (own is not null)
        {
            await own.CommitAsync();
        }

        return new PasswordSetFromLink(user, invitation, code);
    }

    /// <summary>
    /// Mails a reset link, valid for <see cref="AccountLinks.ResetLifetime"/>, to an active account that has a
    /// password. The caller always answers the same, whether or not the email names an account, so the
    /// answer does not tell which emails exist; the audit trail records which it was.
    /// </summary>
    public async Task RequestResetAsync(string? email)
    {
        // The answer takes the same time whether or not a link was issued and mailed (a few database writes for an
        // account, none otherwise): every request waits until ResetAnswerTime has passed, so the time does not tell
        // which emails have accounts.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await IssueResetAsync(email);
        var left = ResetAnswerTime - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }

    /// <summary>How long a reset request takes to answer at least, whatever the email (longer than the work for an account takes).</summary>
    public static readonly TimeSpan ResetAnswerTime = TimeSpan.FromMilliseconds(400);

    private async Task IssueResetAsync(string? email)
    {
        var (clean, error) = Consent.Web.Sessions.EmailInput.Clean(email, "email", required: true);
        var user = error is null ? await users.FindByEmailAsync(clean!) : null;
        // Requests for one account at once are taken one after the other, each from the account as stored: otherwise each
        // found no recent link, and all but one were refused as a change made since the account was read (a 500 that told
        // the email had an account).
        await using var own = user is null ? null : await users.LockAndReloadAsync(user);
        var sent = false;
        string? withheld = null;
        if (user is { AccountLinkPurpose: AccountLinks.PasswordReset, AccountLinkExpiresAt: { } expires }
            && expires - AccountLinks.ResetLifetime > clock.GetUtcNow() - ResetRepeatInterval)
        {
            withheld = $"a reset link was mailed less than {ResetRepeatInterval.TotalMinutes:0} minutes ago and still works";
        }
        else if (user is not null && user.DeactivatedAt is null && user.PasswordHash is not null && mail.CanSend && !await users.IsChangedOutsideAsync(user))
        {
            await links.IssueAsync(user, AccountLinks.PasswordReset,
                token => mail.EnqueueLink(db, user, StaffMail.PasswordReset, address.Base + AccountLinks.PathPrefix + token));
            mail.Wake();
            sent = true;
        }

        var detail = new JsonObject { ["emailTried"] = StaffSignIn.EmailTried(email), ["sent"] = sent };
        if (withheld is not null)
        {
            detail["withheld"] = withheld;
        }

        if (user is not null)
        {
            detail["account"] = user.Id.ToString("D");
        }

        audit.Record(SystemEventTypes.PasswordResetRequested, detail);
        if (own is not null)
        {
            await own.CommitAsync();
        }
    }
}
