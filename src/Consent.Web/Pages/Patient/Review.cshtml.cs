using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>Rereads a step already done, with what was recorded for it; nothing here changes the record.</summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class ReviewModel(PatientAccessService access, PatientActions actions, TimeProvider clock) : PatientPageModel(access, actions, clock)
{
    [BindProperty(SupportsGet = true)]
    public string StepId { get; set; } = "";

    public StepDefinition Step { get; private set; } = null!;

    public StepDefinition? PreviousStep { get; private set; }

    public StepDefinition? NextStep { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        var done = DoneSteps;
        var index = done.ToList().FindIndex(s => s.Id == StepId);
        if (index < 0)
        {
            return Redirect($"{Home}/step");
        }

        Step = done[index];
        PreviousStep = index > 0 ? done[index - 1] : null;
        NextStep = index + 1 < done.Count ? done[index + 1] : null;
        ViewData["Return"] = "review/" + Step.Id;
        return Page();
    }

    /// <summary>When the step was recorded: its acknowledgment, answers, last quiz attempt or the end of asking.</summary>
    public DateTimeOffset? RecordedAt => Step switch
    {
        DisclosureStep => State.Acknowledgments.GetValueOrDefault(Step.Id)?.At,
        ComprehensionStep => State.QuizAttempts.GetValueOrDefault(Step.Id)?.LastOrDefault()?.At,
        _ => null,
    };
}
