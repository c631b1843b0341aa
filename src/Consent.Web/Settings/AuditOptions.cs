namespace Consent.Web.Settings;

/// <summary>The periodic re-check of every chain and record (section <c>Audit</c>, Audit/AuditMonitor.cs).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Minutes between audits; 0 turns the periodic audit off.</summary>
    public double IntervalMinutes { get; set; } = 15;

    /// <summary>Seconds after start-up before the first audit.</summary>
    public double FirstRunAfterSeconds { get; set; } = 20;
}
