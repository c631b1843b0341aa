using Consent.Web.Api;
using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.Workflows;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Review;

/// <summary>
/// One workflow version for review: every text per language side by side, reading levels, the flow
/// of steps with their conditions, the Mermaid diagram source, past decisions; approve or retire it.
/// </summary>
[Authorize(Policy = Policies.EthicsReviewer)]
public sealed class VersionModel(ConsentDbContext db, WorkflowRegistry registry, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string WorkflowId { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int Version { get; set; }

    public WorkflowsApi.VersionReview Review { get; private set; } = null!;

    public WorkflowDefinition Definition { get; private set; } = null!;

    [TempData]
    public string? Notice { get; set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostApproveAsync(string? comment, CancellationToken ct) =>
        DecideAsync(Data.Entities.ApprovalState.Approved, comment, "Approved: clinicians can now start sessions on this version.", ct);

    public Task<IActionResult> OnPostRetireAsync(string? comment, CancellationToken ct) =>
        DecideAsync(Data.Entities.ApprovalState.Retired, comment, "Retired: no new session can start on this version.", ct);

    private async Task<IActionResult> DecideAsync(Data.Entities.ApprovalState decision, string? comment, string done, CancellationToken ct)
    {
        var outcome = ApiOutcome.From(await WorkflowsApi.DecideAsync(WorkflowId, Version, decision, new WorkflowsApi.DecisionInput(comment), User, db, clock, ct));
        if (outcome.Succeeded)
        {
            Notice = done;
            return Redirect($"/review/{WorkflowId}/{Version}");
        }

        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        Problem = outcome.Message;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (ApiOutcome.From(await WorkflowsApi.ReviewAsync(WorkflowId, Version, db, registry, ct)).Value is not WorkflowsApi.VersionReview review
            || registry.Find(WorkflowId, Version) is not { } workflow)
        {
            return false;
        }

        Review = review;
        Definition = workflow.Definition;
        return true;
    }
}
