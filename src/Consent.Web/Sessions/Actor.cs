namespace Consent.Web.Sessions;

/// <summary>Who did something: <c>patient</c>, a staff user id, or <c>system</c>; and from where.</summary>
public sealed record Actor(string Id, string? Ip, string? UserAgent)
{
    public const string Patient = "patient";
    public const string System = "system";

    /// <summary>The service itself (background jobs): no address, no browser.</summary>
    public static readonly Actor Service = new(System, null, null);
}
