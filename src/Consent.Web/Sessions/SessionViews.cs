using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>What staff see of a session: <c>GET /api/v1/sessions/{id}</c>.</summary>
public sealed record SessionDetail(
    Guid Id,
    string Status,
    string WorkflowId,
    int WorkflowVersion,
    string WorkflowHash,
    string Language,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? CompletedAt,
    PatientDetail Patient,
    ProgressView Progress,
    StepRef? CurrentStep,
    IReadOnlyList<string> StepsDone,
    IReadOnlyList<QuestionView> OpenQuestions,
    IReadOnlyList<QuestionView> Questions,
    IReadOnlyList<HoldView> Holds,
    EndingView? Ending,
    long EventCount,
    Guid PatientId,
    PaperView? Paper = null)
{
    public static SessionDetail From(ConsentSession s, SessionState state) => new(
        s.Id, state.Status.ToString(), s.WorkflowId, s.WorkflowVersion, s.WorkflowHash, s.Language, s.CreatedAt, s.UpdatedAt,
        s.ExpiresAt, s.CompletedAt,
        new PatientDetail(s.PatientName, s.PatientDateOfBirth, s.PatientMrn, s.PatientEmail),
        new ProgressView(state.Progress.Index, state.Progress.Total),
        state.CurrentStep is { } step ? new StepRef(step.Id, StepTypeNames.Of(step.Type)) : null,
        [.. state.CompletedSteps],
        [.. state.UnansweredQuestions.Select(QuestionView.From)],
        [.. state.Questions.Select(QuestionView.From)],
        [.. state.OpenHolds.Select(h => HoldView.From(h, s.Language))],
        state.Ending is { } e ? new EndingView(e.Status.ToString(), e.Outcome, e.Reason, e.By, e.At) : null,
        s.LastSeq,
        s.PatientId,
        state.Paper is { } p ? new PaperView(p.Recorded.ScanSha256, p.Recorded.ContentType, p.Recorded.Bytes, p.Recorded.Pages,
            p.Recorded.SignedOn, p.Recorded.Attestation, p.Recorded.StaffId, p.At) : null);
}

/// <summary>
/// A consent given on the paper form (status Completed, "Completed (paper)" on the pages): the scan by its SHA-256, type,
/// size and pages, the date the patient signed, and the clinician's attestation, by whom and when.
/// </summary>
public sealed record PaperView(string ScanSha256, string ContentType, long Bytes, int Pages, string SignedOn, string Attestation, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>The patient as the clinician entered them.</summary>
public sealed record PatientDetail(string Name, DateOnly DateOfBirth, string? Mrn, string? Email);

/// <summary>Steps done of the steps that apply.</summary>
public sealed record ProgressView(int Index, int Total);

/// <summary>A step by id and type.</summary>
public sealed record StepRef(string Id, string Type);

/// <summary>A patient's question and its answer.</summary>
public sealed record QuestionView(string Id, string Text, string? StepId, DateTimeOffset AskedAt, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt)
{
    public static QuestionView From(PatientQuestion q) => new(q.Id, q.Text, q.StepId, q.AskedAt, q.Answer, q.AnsweredBy, q.AnsweredAt);
}

/// <summary>An open hold: a discussion the clinician must record before the patient can sign.</summary>
public sealed record HoldView(string Id, string Kind, string StepId, string? Reason, DateTimeOffset OpenedAt)
{
    public static HoldView From(Hold h, string language) => new(h.Id, h.Kind.ToString(), h.StepId, h.Reason?.For(language), h.OpenedAt);
}

/// <summary>How a session ended.</summary>
public sealed record EndingView(string Status, string? Outcome, string? Reason, string By, DateTimeOffset At);

/// <summary>One row of the session list; <paramref name="Kind"/> is <c>consent</c>, or <c>checkin</c> for a dose-day check-in.</summary>
public sealed record SessionSummary(Guid Id, string Status, string WorkflowId, int WorkflowVersion, string Language,
    string PatientName, string? PatientMrn, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt, string Kind = "consent");

/// <summary>An event as the audit API shows it.</summary>
public sealed record EventView(long Seq, string Type, string? StepId, DateTimeOffset At, string Actor, string? Ip, string? UserAgent,
    string? ContentHash, JsonNode? Payload, string PrevHash, string Hash)
{
    public static EventView From(ConsentEvent e) =>
        new(e.Seq, e.Type, e.StepId, e.At, e.Actor, e.Ip, e.UserAgent, e.ContentHash, JsonNode.Parse(e.Payload), e.PrevHash, e.Hash);
}

/// <summary>The event chain and whether it verifies.</summary>
public sealed record EventChainView(bool Verified, long? BrokenAtSeq, string? Problem, string? LastHash, IReadOnlyList<EventView> Events);
