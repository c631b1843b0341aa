namespace Consent.Web.Settings;

/// <summary>
/// How long a staff sign-in lasts (section <c>Identity</c>): it ends after <see cref="IdleMinutes"/>
/// without a request the person made (a page's background refresh does not count), and after
/// <see cref="MaxSignInHours"/> whatever happens. 21 CFR 11.200(a)(1): a continuous period of
/// controlled access ends; HIPAA 45 CFR 164.312(a)(2)(iii), automatic logoff.
/// </summary>
public sealed class StaffSignInOptions
{
    public const string Section = "Identity";

    /// <summary>Minutes without activity after which a page sign-in (the cookie) ends; 1 to 480, default 15.</summary>
    public int IdleMinutes { get; set; } = 15;

    /// <summary>Hours after which any staff sign-in ends, cookie or bearer token; 1 to 24, default 12.</summary>
    public int MaxSignInHours { get; set; } = 12;
}
