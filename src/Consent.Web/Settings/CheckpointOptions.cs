namespace Consent.Web.Settings;

/// <summary>The anchored chain checkpoints (section <c>Checkpoints</c>, Checkpoints/CheckpointMonitor.cs, docs/checkpoints.md).</summary>
public sealed class CheckpointOptions
{
    public const string Section = "Checkpoints";

    /// <summary>Minutes between checkpoints; 0 turns them off on this node.</summary>
    public double IntervalMinutes { get; set; } = 60;

    /// <summary>Seconds after start-up before the first checkpoint.</summary>
    public double FirstRunAfterSeconds { get; set; } = 60;
}

/// <summary>Where the signed anchor file of each checkpoint is written, for shipping off-site (section <c>Anchors</c>).</summary>
public sealed class AnchorOptions
{
    public const string Section = "Anchors";

    /// <summary>A folder outside the database; unset: no anchor files are written or checked.</summary>
    public string? Directory { get; set; }
}
