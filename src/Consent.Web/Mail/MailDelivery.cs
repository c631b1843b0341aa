using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Consent.Web.Mail;

/// <summary>Sends a message by SMTP (MailKit), or writes it as an <c>.eml</c> file in Development.</summary>
public sealed class MailDelivery(MailSettings settings)
{
    /// <summary>False when mail is not configured (nothing was sent); throws when the server fails, so the outbox retries.</summary>
    public async Task<bool> SendAsync(MimeMessage message, CancellationToken ct)
    {
        if (settings.Host is { } host)
        {
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync(host, settings.Port, SecureSocketOptions.Auto, ct);
            if (settings.UserName is { } user)
            {
                await smtp.AuthenticateAsync(user, settings.Password ?? "", ct);
            }

            await smtp.SendAsync(message, ct);
            await smtp.DisconnectAsync(quit: true, ct);
            return true;
        }

        if (settings.DropFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{string.Concat((message.MessageId ?? Guid.NewGuid().ToString("N")).Where(char.IsAsciiLetterOrDigit))}.eml";
            var temporary = Path.Combine(folder, name + ".tmp");
            // Readable by the service's own user only: a staff mail holds a one-time link that sets a password.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(temporary, options))
            {
                await message.WriteToAsync(file, ct);
            }

            File.Move(temporary, Path.Combine(folder, name), overwrite: true);
            return true;
        }

        return false;
    }
}
