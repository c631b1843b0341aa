using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Consent.Web.Ui;

/// <summary>
/// The patients list that the clinician's and the auditor's patient searches share: the first patients by
/// name until something is searched for, then the patients whose names or MRN match. The search is posted
/// (as the auditor's session search is), so a name or an MRN never appears in an address or its logs.
/// </summary>
public abstract class PatientSearchPage(PatientRegistry patients) : StaffPageModel
{
    /// <summary>How many patients one page lists.</summary>
    public const int Limit = 50;

    /// <summary>The search form: a name (any of its words, in any order) or a whole MRN.</summary>
    [BindProperty]
    public SearchInput Search { get; set; } = new();

    /// <summary>The patients listed; null when the search was refused.</summary>
    public PatientSearchResult? Results { get; private set; }

    /// <summary>What <see cref="Results"/> answer: empty when they are the first patients by name.</summary>
    public string SearchedFor { get; private set; } = "";

    /// <summary>Where a patient's page is (<c>/clinician/patients</c> or <c>/audit/patients</c>), for the links.</summary>
    public abstract string PatientsPath { get; }

    /// <summary>A form this page does not have (a handler it lacks) is a 405, not the page drawn without its data.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HandlerMethod is null)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        await next();
    }

    /// <summary>True when the search was refused: its error shows at the search form.</summary>
    public bool SearchRefused { get; private set; }

    /// <summary>The search field's errors, linked to it.</summary>
    public ErrorSummary SearchErrors => ErrorSummary.Of(ModelState, null, ("query", "search-query", "Name or medical record number"));

    /// <summary>The first patients by name, or those <see cref="Search"/> finds.</summary>
    protected async Task ListAsync(string? query, CancellationToken ct)
    {
        var outcome = await patients.SearchAsync(new PatientSearchInput(query, Limit), ct);
        if (outcome is Outcome<PatientSearchResult>.Invalid invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                ModelState.AddModelError(field, messages[0]);
            }

            SearchRefused = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (outcome is Outcome<PatientSearchResult>.Ok { Value: var found })
        {
            Results = found;
            SearchedFor = query?.Trim() ?? "";
        }
    }

    /// <summary>The search form.</summary>
    public sealed class SearchInput
    {
        public string? Query { get; set; }
    }
}
