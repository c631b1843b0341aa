using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Outbox;
using Consent.Web.Sessions;
using Consent.Web.SignedRecords;
using Microsoft.AspNetCore.DataProtection;
using MimeKit;

namespace Consent.Web.Mail;

/// <summary>
/// Mail to staff members about their own account: the invitation and password-reset links
/// (<see cref="AccountLinks"/>), and the notice that their password was changed or reset, so that
/// someone who did not do it finds out (21 CFR 11.300(d)); and to every active admin, the alert that wrong
/// passwords or codes locked an account (<see cref="LockoutAlerts"/>, 21 CFR 11.300(d)). Queued in the outbox with
/// the change, and sent by <see cref="StaffMailHandler"/>.
/// </summary>
/// <remarks>A link travels in the job encrypted with Data Protection, as patients' links do, and is removed from the job once handled.</remarks>
public sealed class StaffMail(
    IDataProtectionProvider protection, ClinicSettings clinic, MailSettings settings, OutboxSignal signal, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Settings.ClinicOptions> clinicOptions)
{
    private readonly string? publicBaseUrl = clinicOptions.Value.PublicBaseUrl;

    public const string Invitation = "staff-invitation";
    public const string PasswordReset = "staff-password-reset";
    public const string PasswordChanged = "staff-password-changed";
    /// <summary>An alert mailed at once for one lockout; queued before the digest replaced it, and still sent if such a job is left.</summary>
    public const string LockoutAlert = "staff-lockout-alert";
    public const string AlertDigest = "staff-alert-digest";
    private const string LinkPurpose = "Consent.Mail.StaffLink.v1";

    private IDataProtector Links => protection.CreateProtector(LinkPurpose);

    /// <summary>Whether mail can leave the service at all (SMTP, or the development folder).</summary>
    public bool CanSend => settings.Enabled;

    /// <summary>Adds a link mail for the account (saved with the caller's next save of the context).</summary>
    public void EnqueueLink(ConsentDbContext db, StaffUser user, string what, string link) =>
        OutboxSignal.Enqueue(db, OutboxKinds.SendStaffMail, null,
            new JsonObject { ["what"] = what, ["account"] = user.Id.ToString("D"), ["link"] = Links.Protect(link) }, clock.GetUtcNow());

    /// <summary>Adds the notice that the account's password changed (<paramref name="how"/>: changed, reset-by-link, reset-by-admin).</summary>
    public void EnqueueNotice(ConsentDbContext db, StaffUser user, string how) =>
        OutboxSignal.Enqueue(db, OutboxKinds.SendStaffMail, null,
            new JsonObject { ["what"] = PasswordChanged, ["account"] = user.Id.ToString("D"), ["how"] = how, ["at"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) },
            clock.GetUtcNow());

    /// <summary>Adds the alert to <paramref name="admin"/> that <paramref name="locked"/> was locked out until <paramref name="until"/>.</summary>
    public void EnqueueLockoutAlert(ConsentDbContext db, Guid admin, StaffUser locked, DateTimeOffset until, int attempts) =>
        OutboxSignal.Enqueue(db, OutboxKinds.SendStaffMail, null,
            new JsonObject
            {
                ["what"] = LockoutAlert,
                ["account"] = admin.ToString("D"),
                ["lockedAccount"] = locked.Id.ToString("D"),
                ["until"] = until.ToString("O", CultureInfo.InvariantCulture),
                ["attempts"] = attempts,
                ["at"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            },
            clock.GetUtcNow());

    /// <summary>The job of the digest to <paramref name="admin"/> of the alerts on the trail after <paramref name="afterSeq"/> through <paramref name="throughSeq"/>.</summary>
    public static JsonObject DigestJob(Guid admin, long afterSeq, long throughSeq) => new()
    {
        ["what"] = AlertDigest,
        ["account"] = admin.ToString("D"),
        ["afterSeq"] = afterSeq,
        ["throughSeq"] = throughSeq,
    };

    public void Wake() => signal.Wake();

    public string Unprotect(string protectedLink) => Links.Unprotect(protectedLink);

    public MimeMessage ComposeInvitation(StaffUser user, string link, DateTimeOffset expires, long jobId) => New(user, jobId,
        $"{clinic.Clinic.Name}: your consent service account",
        $"Hello {user.DisplayName},\n\n"
        + $"An administrator at {clinic.Clinic.Name} has made you an account on the consent service, to sign in as {user.Email}.\n\n"
        + $"Open this link to choose your password. It works once, until {When(expires)}:\n\n{link}\n\n"
        + "Nobody else, not even the administrator, will know your password: your electronic signature is yours alone. "
        + "Before you can use the service you will be asked to confirm that you have been trained in the clinic's consent procedures"
        + " and, for administrator and auditor accounts, to set up an authenticator app.\n\n"
        + "If you did not expect this, ignore this message; the link stops working by itself.\n");

    public MimeMessage ComposeReset(StaffUser user, string link, DateTimeOffset expires, long jobId) => New(user, jobId,
        $"{clinic.Clinic.Name}: reset your consent service password",
        $"Hello {user.DisplayName},\n\n"
        + $"Someone asked to reset the password of the account {user.Email}. Open this link to choose a new one. It works once, until {When(expires)}:\n\n{link}\n\n"
        + "If it was not you, ignore this message: your password stays as it is. Tell an administrator if it happens again.\n");

    public MimeMessage ComposeNotice(StaffUser user, string how, DateTimeOffset at, long jobId) => New(user, jobId,
        $"{clinic.Clinic.Name}: your consent service password was changed",
        $"Hello {user.DisplayName},\n\n"
        + (how switch
        {
            "reset-by-link" => "The password of your account was reset with a link sent to this address",
            "reset-by-admin" => "An administrator reset the password of your account to a temporary one",
            _ => "The password of your account was changed",
        })
        + $" on {When(at)}. Every other sign-in of the account has ended.\n\n"
        + "If this was not you, tell an administrator at once: they can deactivate the account and reset it.\n");

    /// <summary>The alert to an admin that wrong passwords or codes locked <paramref name="locked"/>'s account.</summary>
    public MimeMessage ComposeLockoutAlert(StaffUser admin, StaffUser locked, DateTimeOffset at, DateTimeOffset until, int attempts, long jobId) => New(admin, jobId,
        $"{clinic.Clinic.Name}: staff account locked out",
        $"Hello {admin.DisplayName},\n\n"
        + $"The consent service account of {locked.DisplayName} ({locked.Email}) was locked out on {When(at)} after {attempts} wrong passwords "
        + $"or authenticator codes in a row. New sign-ins with its password are refused until {When(until)}.\n\n"
        + "If the staff member did not mistype their own password, someone may be trying to guess it. The system audit trail "
        + "(staff.sign-in.failed, staff.account.locked-out) shows when and from which address the attempts came. You can deactivate "
        + "the account or reset its password on the staff accounts page.\n\n"
        + "Every active administrator receives this message.\n");

    /// <summary>How many alerts one digest lists in full; the rest are counted, and the trail has them all.</summary>
    public const int DigestLines = 100;

    /// <summary>
    /// The digest to an admin of the alerts in <paramref name="alerts"/> (system events in order; see Alerts/AlertDigests.cs):
    /// one line each, when and what, with who to look at. Staff accounts by email; patients' sessions by id and the
    /// staff page's address, never by name or date of birth.
    /// </summary>
    public MimeMessage ComposeDigest(StaffUser admin, IReadOnlyList<SystemEvent> alerts, long afterSeq, long throughSeq, long jobId)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Hello {admin.DisplayName},\n\n")
            .Append(alerts.Count == 1 ? "One security alert" : $"{alerts.Count} security alerts")
            .Append(" came up on the consent service since the last digest:\n\n");
        foreach (var alert in alerts.Take(DigestLines))
        {
            text.Append("- ").Append(When(alert.At)).Append(": ").Append(Describe(alert)).Append('\n');
        }

        if (alerts.Count > DigestLines)
        {
            text.Append(CultureInfo.InvariantCulture, $"- and {alerts.Count - DigestLines} more.\n");
        }

        text.Append('\n')
            .Append("What to do:\n")
            .Append("- A staff account locked out: if the staff member did not mistype their own password, someone may be guessing it. ")
            .Append("You can deactivate the account or reset its password on the staff accounts page.\n")
            .Append("- A patient's link locked: someone holding the link gave wrong dates of birth. Check with the patient before a clinician sends a new link from the session page.\n")
            .Append("- An audit that failed: records or trails may have been changed outside the service. Run the audit command, and keep the database as it is for investigation.\n\n")
            .Append(CultureInfo.InvariantCulture, $"These are the alerts on the system audit trail from sequence {afterSeq + 1} to {throughSeq} (Auditor: System audit trail). ")
            .Append("Every active administrator receives this digest.\n");
        return New(admin, jobId, alerts.Count == 1 ? $"{clinic.Clinic.Name}: 1 security alert" : $"{clinic.Clinic.Name}: {alerts.Count} security alerts", text.ToString());
    }

    private string Describe(SystemEvent alert)
    {
        var detail = JsonNode.Parse(alert.Detail) as JsonObject ?? [];
        var from = alert.Ip is { Length: > 0 } ip ? $", from address {ip}" : "";
        switch (alert.Type)
        {
            case SystemEvents.SystemEventTypes.AccountLockedOut:
                var until = DateTimeOffset.TryParse(detail["lockedOutUntil"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var u)
                    ? $" until {When(u)}" : "";
                return $"staff account {detail["email"]?.GetValue<string>() ?? "(unknown)"} locked out after {detail["attempts"]?.GetValue<int>() ?? 0} wrong passwords or authenticator codes in a row{from}; new sign-ins are refused{until}.";
            case SystemEvents.SystemEventTypes.PatientLinkLocked:
                var page = alert.SessionId is { } id ? SessionPage(id) : null;
                return $"a patient's consent link was locked after {detail["failures"]?.GetValue<int>() ?? 0} wrong dates of birth{from}: session {alert.SessionId:D}"
                    + (page is null ? "." : $", {page}");
            default:
                return $"the {(detail["trigger"]?.GetValue<string>() == SystemEvents.OperationsEvents.ByCommand ? "audit command" : "periodic audit")} found "
                    + $"{detail["failures"]?.GetValue<int>() ?? 0} problem(s): it did not verify.";
        }
    }

    private string? SessionPage(Guid session) =>
        Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var root) ? new Uri(root, $"/clinician/sessions/{session:D}").ToString() : null;

    private string When(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, clinic.TimeZone);
        return local.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.GetCultureInfo("en")) + " (UTC" + local.ToString("zzz", CultureInfo.InvariantCulture) + ")";
    }

    private MimeMessage New(StaffUser user, long jobId, string subject, string text)
    {
        var message = new MimeMessage { Subject = subject, Date = clock.GetUtcNow() };
        message.From.Add(settings.From);
        message.To.Add(new MailboxAddress(user.DisplayName, user.Email!));
        message.MessageId = $"{jobId.ToString(CultureInfo.InvariantCulture)}.{user.Id:N}@{settings.From.Domain}";
        message.Body = new TextPart("plain") { Text = text + "\n" + clinic.Clinic.Name + "\n" };
        return message;
    }
}
