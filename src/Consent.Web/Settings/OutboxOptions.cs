namespace Consent.Web.Settings;

/// <summary>Background jobs: records, patient mail, expiry (section <c>Outbox</c>, Outbox/OutboxWorker.cs).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Whether this node runs the jobs; at least one node of a deployment must.</summary>
    public bool RunWorker { get; set; } = true;
}
