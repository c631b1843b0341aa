using Consent.Web.Tests.Records;
using MimeKit;
using netDumbster.smtp;

namespace Consent.Web.Tests.Mail;

/// <summary>The service sending its mail by SMTP to an in-process server (netDumbster) that the tests read.</summary>
public class MailWebFactory : RecordsWebFactory
{
    public const string From = "Riverside Clinic <no-reply@riverside.example>";

    public SimpleSmtpServer Smtp { get; } = Configuration.Configure().WithRandomPort().Build();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:From"] = From,
    };

    /// <summary>The messages received for an address, parsed, once <paramref name="count"/> of them are there (polled until <see cref="Deadline"/>).</summary>
    public async Task<List<MimeMessage>> MailForAsync(string address, int count = 1)
    {
        var arrived = 0;
        return await Deadline.ValueAsync($"{count} message(s) for {address}", () =>
        {
            var messages = Smtp.ReceivedEmail
                .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)))
                .Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
                .ToList();
            arrived = messages.Count;
            return Task.FromResult(messages.Count >= count ? messages : null);
        }, () => $"{arrived} arrived");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
        GC.SuppressFinalize(this);
    }
}
