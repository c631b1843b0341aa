namespace Consent.Web.Settings;

/// <summary>How patient mail leaves the service (section <c>Smtp</c>); without a host, mail is off (Development writes .eml files).</summary>
public sealed class MailOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }
}
