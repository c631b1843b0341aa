using Consent.Web.Tests.Records;
using MimeKit;
using netDumbster.smtp;

namespace Consent.Web.Tests.Mail;

/// <summary>The service sending its mail by SMTP to an in-process server (netDumbster) that the tests read.</summary>
public sealed class MailWebFactory : RecordsWebFactory
{
    public const string From = "Riverside Clinic <no-reply@riverside.example>";

    public SimpleSmtpServer Smtp { get; } = Configuration.Configure().WithRandomPort().Build();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:From"] = From,
    };

    /// <summary>The messages received for an address, parsed; waits up to 30 s for <paramref name="count"/> of them.</summary>
    public async Task<List<MimeMessage>> MailForAsync(string address, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var messages = Smtp.ReceivedEmail
                .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)))
                .Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
                .ToList();
            if (messages.Count >= count)
            {
                return messages;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{messages.Count} of {count} message(s) arrived for {address} in 30 s.");
            await Task.Delay(100);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
    }
}
