using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Mail;
using Consent.Web.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Patients;

/// <summary>
/// "Save and finish later": everything the patient did is already recorded step by step, so leaving
/// loses nothing; this adds the optional email reminder, sent with the same link to the address the
/// clinic gave (never to one typed here: the address is part of what the session's chain seals).
/// </summary>
/// <remarks>
/// 21 CFR 50.20 asks that consent be sought under circumstances that give the person sufficient
/// opportunity to consider whether or not to take part: stopping and coming back is part of that. The
/// reminder goes out only while the form is still open to the patient (<c>SendMailHandler</c> checks
/// again when it is due).
/// </remarks>
public sealed class SaveForLater(ConsentDbContext db, PatientMail mail, PublicAddress address, TimeProvider clock)
{
    /// <summary>A reminder is offered only if it would arrive at least this long before the link runs out.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(2);

    /// <summary>The reminder choices, by form value, and how long from now each is sent.</summary>
    public static readonly IReadOnlyList<(string Value, TimeSpan After)> Choices = [("tomorrow", TimeSpan.FromDays(1)), ("three-days", TimeSpan.FromDays(3))];

    /// <summary>The reminders this session can have now: none without an email address, or those that arrive in time.</summary>
    public IReadOnlyList<string> Offered(ConsentSession session)
    {
        var now = clock.GetUtcNow();
        return string.IsNullOrEmpty(session.PatientEmail) || !EmailInput.IsBareAddress(session.PatientEmail) ? []
            : [.. Choices.Where(c => now + c.After <= session.ExpiresAt - Margin).Select(c => c.Value)];
    }

    /// <summary>The address the reminder goes to, shown so the patient knows it without it being spelled out: "m•••@example.org".</summary>
    public static string Masked(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? "•••" : email[0] + "•••" + email[at..];
    }

    /// <summary>
    /// Saves the patient's choice: no reminder (<c>none</c> or nothing; one asked for before is called
    /// off), or a reminder at the chosen time. The answer is when the reminder will go out, if one will.
    /// </summary>
    /// <remarks>
    /// The reminder's link is built on the service's public address (<see cref="PublicAddress"/>), never
    /// on the request's: an outside review forged the Host header of a patient-side request and had the
    /// clinic mail a link to its own site. The session's row is locked while the reminder is looked up and
    /// written, so a burst of requests leaves one reminder, not several.
    /// </remarks>
    public async Task<Outcome<DateTimeOffset?>> SaveAsync(ConsentSession session, string token, string? choice, CancellationToken ct)
    {
        var none = string.IsNullOrEmpty(choice) || choice == "none";
        if (!none && !Offered(session).Contains(choice!))
        {
            return FieldErrors.One("remind", "choose one of the reminder options offered");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM consent_sessions WHERE id = {session.Id} FOR UPDATE", ct);
        DateTimeOffset? at = null;
        if (none)
        {
            await mail.CancelReminderAsync(db, session, ct);
        }
        else
        {
            at = clock.GetUtcNow() + Choices.Single(c => c.Value == choice).After;
            await mail.EnqueueReminderAsync(db, session, address.PatientUrl(token), at.Value, ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return at;
    }
}
