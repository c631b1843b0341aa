using Consent.Web.Hosting;
using Consent.Web.Settings;
using MimeKit;

namespace Consent.Web.Mail;

/// <summary>
/// How patient mail leaves the service: SMTP (<see cref="MailOptions"/>: <c>Smtp:Host</c>, <c>Port</c>,
/// <c>From</c>, <c>UserName</c>, <c>Password</c>); in Development without a host, <c>.eml</c> files under
/// <c>CONSENT_DATA_DIR/mail/</c>; otherwise not at all.
/// </summary>
public sealed record MailSettings(string? Host, int Port, MailboxAddress From, string? UserName, string? Password, string? DropFolder)
{
    /// <summary>Mail can be delivered (by SMTP or to the development folder).</summary>
    public bool Enabled => Host is not null || DropFolder is not null;

    /// <remarks>The options were checked at start-up (Hosting/SettingsRegistration.cs); the checks here only guard a direct caller.</remarks>
    /// <exception cref="StartupProblemException">A setting is present but unusable.</exception>
    public static MailSettings Load(MailOptions options, DataDirectoryOptions data, IHostEnvironment environment)
    {
        var host = options.Host is { Length: > 0 } h ? h.Trim() : null;
        var port = options.Port;
        if (port is < 1 or > 65535)
        {
            throw new StartupProblemException($"Smtp:Port '{port}' is not a port number.");
        }

        var fromText = options.From;
        if (host is not null && string.IsNullOrWhiteSpace(fromText))
        {
            throw new StartupProblemException("Smtp:Host is set but Smtp:From is not: set the sender address of patient mail.");
        }

        if (!MailboxAddress.TryParse(string.IsNullOrWhiteSpace(fromText) ? "Consent <no-reply@localhost>" : fromText, out var from))
        {
            throw new StartupProblemException($"Smtp:From '{fromText}' is not an email address.");
        }

        var drop = host is null && environment.IsDevelopment()
            ? Path.Combine(data.FullPath, "mail")
            : null;
        return new MailSettings(host, port, from, options.UserName is { Length: > 0 } user ? user : null,
            options.Password is { Length: > 0 } password ? password : null, drop);
    }
}
