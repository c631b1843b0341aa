using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>
/// The patient signs: the certification statement, a tick, the typed full name and, where a pointer
/// can draw, a drawn signature. Without script (or without drawing) the typed name is the signature.
/// </summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class SignModel(PatientAccessService access, PatientActions actions, TimeProvider clock) : PatientPageModel(access, actions, clock)
{
    public PatientStepView View { get; private set; } = null!;

    public PatientStepView Recorded { get; private set; } = null!;

    public PatientProgressView Progress { get; private set; } = new(0, 0);

    [BindProperty]
    public string? FullName { get; set; }

    [BindProperty]
    public bool Certify { get; set; }

    [BindProperty]
    public string? Strokes { get; set; }

    /// <summary>The patient signs with a mark before the witness (offered only when a witness signs next).</summary>
    [BindProperty]
    public bool Mark { get; set; }

    /// <summary>The page's title: who signs now.</summary>
    public string Title => View.Signer switch
    {
        SignerNames.Representative => T.SignTitleRepresentative,
        SignerNames.Witness => T.SignTitleWitness,
        SignerNames.Interpreter => T.SignTitleInterpreter,
        SignerNames.Patient when State.Signers.Representative is not null => T.SignTitleAssent,
        _ => T.SignTitle,
    };

    public string? Problem { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) && !MustGoHome && Prepare() ? Page() : Redirect($"{Home}/step");

    public async Task<IActionResult> OnPostAsync(string? idempotencyKey, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        if (!Prepare())
        {
            return Redirect($"{Home}/step");
        }

        if (!Certify)
        {
            Errors["certify"] = T.CertifyNeeded;
        }

        Mark &= View.AcceptsMark == true;
        if (string.IsNullOrWhiteSpace(FullName) && !Mark)
        {
            Errors["fullName"] = T.NameNeeded;
        }
        else if (TextInput.HasHiddenCharacters(FullName))
        {
            Errors["fullName"] = T.TextNotAllowed;
        }

        // A name that is not the registered one does not stop the patient: the clinician confirms who signed.

        var strokes = ReadStrokes();
        if (Errors.Count > 0 || strokes is null)
        {
            Problem = strokes is null ? T.SomethingWrong : T.FixBelow;
            return Page();
        }

        if (Mark && strokes.Count == 0)
        {
            Errors["strokes"] = T.MarkNeeded;
            Problem = T.FixBelow;
            return Page();
        }

        // The signer the page showed: a form left open while someone else signed is refused, not signed as the next person.
        var body = new JsonObject { ["fullName"] = FullName, ["certify"] = true, ["strokes"] = strokes, ["signer"] = View.Signer, ["mark"] = Mark };
        if (IsInvalid(await Actions.SubmitStepAsync(PatientWrite(idempotencyKey), State.CurrentStep!.Id, body, null, ct)))
        {
            Problem = T.SomethingWrong;
            return Page();
        }

        // The next signer (the witness, the interpreter, the patient's assent) signs on this device straight after.
        var order = State.Signers.Order;
        return Redirect(View.Signer is { } signed && order.Length > 1 && SignerNames.Of(order[^1]) != signed ? $"{Home}/sign" : $"{Home}/step");
    }

    /// <summary>The drawn strokes as sent by the pad's script; an empty list when nothing was drawn; null when unreadable.</summary>
    private JsonArray? ReadStrokes()
    {
        if (string.IsNullOrWhiteSpace(Strokes))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(Strokes, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>False when signing is not what the patient should do now (another step, or waiting).</summary>
    private bool Prepare()
    {
        var view = PatientView.Render(Workflow, State, Lang, SignedBefore);
        if (view.Step is not { Type: "signature", WaitingFor: null } step)
        {
            return false;
        }

        View = step;
        Recorded = PatientView.Render(Workflow, State, Session.Language).Step!;
        Progress = Shown(view.Progress);
        ViewData["Return"] = "sign";
        return true;
    }
}
