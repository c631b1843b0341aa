namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>The service's sent mail, as a staff member's mailbox would hold it: the .eml files it writes in Development.</summary>
public static class Mailbox
{
    /// <summary>The one-time account link (invitation or password reset) in the newest mail to <paramref name="email"/>, as the path to open.</summary>
    public static Task<string> AccountLinkAsync(ServiceHost host, string email) =>
        Deadline.ValueAsync($"an account link mailed to {email}", () =>
        {
            var newest = Directory.Exists(host.MailFolder)
                ? Directory.EnumerateFiles(host.MailFolder, "*.eml")
                    .Select(f => MimeKit.MimeMessage.Load(f))
                    .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase)))
                    .Select(m => (m.Date, Line: (m.TextBody ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("/account/link/", StringComparison.Ordinal))))
                    .Where(m => m.Line is not null)
                    .OrderByDescending(m => m.Date)
                    .Select(m => new Uri(m.Line!).PathAndQuery)
                    .FirstOrDefault()
                : null;
            return Task.FromResult(newest);
        });
}
