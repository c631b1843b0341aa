namespace Consent.Web.Data.Entities;

/// <summary>One ethics decision on a workflow version: approved or retired, by whom, why.</summary>
public sealed class WorkflowReview
{
    public long Id { get; set; }

    public string WorkflowId { get; set; } = "";

    public int Version { get; set; }

    public ApprovalState Decision { get; set; }

    public string Comment { get; set; } = "";

    public Guid ReviewerId { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}
