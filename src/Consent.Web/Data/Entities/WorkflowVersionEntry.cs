namespace Consent.Web.Data.Entities;

/// <summary>A published workflow version as loaded from its file, with its ethics approval state.</summary>
public sealed class WorkflowVersionEntry
{
    public string WorkflowId { get; set; } = "";

    public int Version { get; set; }

    public string Hash { get; set; } = "";

    public string SourcePath { get; set; } = "";

    public string TitleEn { get; set; } = "";

    public List<string> Languages { get; set; } = [];

    public ApprovalState Approval { get; set; }

    public DateTimeOffset FirstLoadedAt { get; set; }

    public List<WorkflowReview> Reviews { get; set; } = [];
}

/// <summary>Whether an ethics reviewer has cleared a workflow version for use.</summary>
public enum ApprovalState
{
    Pending,
    Approved,
    Retired,
}
