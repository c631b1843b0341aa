namespace Consent.Web.Settings;

/// <summary>How sessions are run (section <c>Sessions</c>).</summary>
public sealed class ConsentSessionOptions
{
    public const string Section = "Sessions";

    /// <summary>Bound of the replayed-session-state cache, in events; 0 turns it off.</summary>
    public long StateCacheEvents { get; set; } = Sessions.SessionStateCache.DefaultEvents;
}
