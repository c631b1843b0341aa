using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Web.UseCases.Review;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Review;

/// <summary>
/// One workflow version for review: every text per language side by side, reading levels, the flow
/// of steps with their conditions, the Mermaid diagram source, past decisions; approve or retire it.
/// </summary>
[Authorize(Policy = Policies.EthicsReviewer)]
public sealed class VersionModel(
    WorkflowReviews reviews, WorkflowRegistry registry, PatientPreviews previews, IHostEnvironment environment, Identity.StaffSignatures signatures) : StaffPageModel
{
    /// <summary>Whether this sign-in's next signature needs the authenticator code too (its first one does, 21 CFR 11.200(a)(1)).</summary>
    public bool SignatureNeedsCode { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string WorkflowId { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int Version { get; set; }

    public VersionReview Review { get; private set; } = null!;

    public WorkflowDefinition Definition { get; private set; } = null!;

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    /// <summary>The comment sent with a decision that was not made, shown again so that nothing typed is lost (never the password).</summary>
    public string? Comment { get; private set; }

    public Task<IActionResult> OnPostApproveAsync(string? comment, string? password, string? code, CancellationToken ct) =>
        DecideAsync(Data.Entities.ApprovalState.Approved, new DecisionInput(comment, password, code), ct);

    public Task<IActionResult> OnPostRetireAsync(string? comment, string? password, string? code, CancellationToken ct) =>
        DecideAsync(Data.Entities.ApprovalState.Retired, new DecisionInput(comment, password, code), ct);

    /// <summary>"Walk through it as the patient": a preview of this version in one of its languages, on the patient pages.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(string? language, CancellationToken ct)
    {
        if (StaffAccess.UserId(User) is { } reviewer && Succeeded(previews.Start(WorkflowId, Version, language ?? "", reviewer), out var token))
        {
            PatientPageModel.RememberLanguage(HttpContext, token, language!, environment);
            return Redirect($"/p/{token}");
        }

        // A language the version is not written in (or a full node): said on the page, as a 400.
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    private async Task<IActionResult> DecideAsync(Data.Entities.ApprovalState decision, DecisionInput input, CancellationToken ct)
    {
        var outcome = await reviews.DecideAsync(WorkflowId, Version, decision, input, User, ct);
        if (Succeeded(outcome, out var decided))
        {
            Notice = decision == Data.Entities.ApprovalState.Retired ? "Retired and signed: no new session can start on this version."
                : decided.Approval == "Approved" ? "Approved and signed: clinicians can now start sessions on this version."
                : $"Your approval is signed: {decided.Approvals} of {decided.RequiredApprovals} approvals. Another reviewer must approve before sessions can start on this version.";
            return Redirect($"/review/{WorkflowId}/{Version}");
        }

        Comment = input.Comment;
        Response.StatusCode = outcome is Outcome<VersionDecided>.Refused ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        SignatureNeedsCode = await signatures.NeedsCodeAsync(User, ct);
        if (await reviews.ReviewAsync(WorkflowId, Version, ct) is not Outcome<VersionReview>.Ok { Value: var review }
            || registry.Find(WorkflowId, Version) is not { } workflow)
        {
            return false;
        }

        Review = review;
        Definition = workflow.Definition;
        return true;
    }
}
