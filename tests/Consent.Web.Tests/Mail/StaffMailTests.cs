using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Npgsql;

namespace Consent.Web.Tests.Mail;

/// <summary>
/// Staff mail by real SMTP, sent by the outbox worker: the invitation carries the one-time link that sets the
/// password; a reset link arrives the same way; every password change is told to the account's own address.
/// Once sent, the link is no longer kept in the outbox job.
/// </summary>
public sealed class StaffMailTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    private const string Password = "an invitee's own password 1";

    [Fact]
    public async Task TheInvitation_TheResetLink_AndThePasswordNotices_ArriveByMail()
    {
        const string email = "mailed.clinician@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, email, "Dr. Mailed Clinician", "Clinician");

        var invitation = Assert.Single(await factory.MailForAsync(email));
        Assert.Equal($"{RecordsWebFactory.ClinicName}: your consent service account", invitation.Subject);
        Assert.Contains("Hello Dr. Mailed Clinician", invitation.TextBody, StringComparison.Ordinal);
        var link = LinkIn(invitation.TextBody!);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = link, password = Password })).StatusCode);
        Assert.Equal(0, await LinksKeptAsync(id));

        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
        var mails = await factory.MailForAsync(email, 2);
        var reset = Assert.Single(mails, m => m.Subject!.EndsWith("reset your consent service password", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK,
            (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = LinkIn(reset.TextBody!), password = "a newer own password 2" })).StatusCode);

        var notice = Assert.Single(await factory.MailForAsync(email, 3), m => m.Subject!.EndsWith("password was changed", StringComparison.Ordinal));
        Assert.Contains("reset with a link sent to this address", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/account/link/", notice.TextBody, StringComparison.Ordinal);
        Assert.Equal(0, await LinksKeptAsync(id));
    }

    internal static string LinkIn(string text) =>
        text.Split('\n').Select(l => l.Trim()).Single(l => l.Contains("/account/link/", StringComparison.Ordinal));

    private async Task<long> LinksKeptAsync(string id)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox_jobs WHERE kind = 'send-staff-mail' AND payload->>'account' = $1 AND payload ? 'link'", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = id });
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
