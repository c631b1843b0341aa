using System.ComponentModel.DataAnnotations;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Sessions;
using Consent.Web.WorkflowVersions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Clinician;

/// <summary>Starts a consent session on an approved workflow version, through the same use case as <c>POST /api/v1/sessions</c>.</summary>
[Authorize(Policy = Policies.Clinician)]
public sealed class StartModel(WorkflowApprovals approvals, WorkflowRegistry workflows, SessionStarts starts) : StaffPageModel
{
    [BindProperty]
    public StartInput Input { get; set; } = new();

    public IReadOnlyList<(string Value, string Label, IReadOnlyList<string> Languages)> Choices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadChoicesAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        var (id, version) = Parse(Input.Workflow);
        var outcome = await starts.StartAsync(
            new StartSession(id, version, Input.Language, new PatientInput(Input.PatientName, Input.DateOfBirth, Input.Mrn, Input.Email)),
            Caller.From(HttpContext), ct);
        if (!Succeeded(outcome, out var started))
        {
            return Page();
        }

        // The link is shown once: only its hash is stored. TempData (a data-protected cookie) carries it to the next page.
        TempData[SessionModel.NewLinkKey(started.Id)] = started.PatientUrl;
        return Redirect($"/clinician/sessions/{started.Id}");
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        var approved = await approvals.ApprovedAsync(null, ct);
        Choices = [.. approved.Select(w => workflows.Find(w.WorkflowId, w.Version)).OfType<Consent.Workflows.LoadedWorkflow>()
            .Select(w => ($"{w.Definition.Id}@{w.Definition.Version}", $"{w.Definition.Title.For("en")} (version {w.Definition.Version})",
                (IReadOnlyList<string>)[.. w.Definition.Languages]))];
    }

    private static (string? Id, int? Version) Parse(string? value)
    {
        var at = value?.LastIndexOf('@') ?? -1;
        return at > 0 && int.TryParse(value![(at + 1)..], out var version) ? (value[..at], version) : (value, null);
    }

    /// <summary>The start form.</summary>
    public sealed class StartInput
    {
        public string? Workflow { get; set; }

        public string? Language { get; set; } = "en";

        [Display(Name = "Patient's full name")]
        public string? PatientName { get; set; }

        public string? DateOfBirth { get; set; }

        public string? Mrn { get; set; }

        public string? Email { get; set; }
    }
}
