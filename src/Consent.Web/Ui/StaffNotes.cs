using Consent.Web.WorkflowVersions;
using Consent.Workflows;

namespace Consent.Web.Ui;

/// <summary>
/// What staff read about a hold or a referral, in the clinician's words: <c>templates/staff/en/&lt;name&gt;.md</c>,
/// a <c># Title</c> line and the text. The name is the last part of the patient text's template
/// (<c>templates/messages/discussion-ride-home</c> reads <c>discussion-ride-home.md</c>), the step id
/// when the workflow wrote the text inline, and <c>comprehension</c> for a quiz failed on every attempt.
/// </summary>
/// <remarks>
/// These files are not part of any workflow's hash: they are staff guidance, not what the patient
/// read, so a clinic can reword them without a new workflow version and a new ethics review. The
/// patient's own text is always shown beside them, so the two cannot drift apart unseen.
/// </remarks>
public sealed class StaffNotes
{
    /// <summary>The language staff pages are written in.</summary>
    public const string Language = "en";

    /// <summary>The name of the note for a comprehension quiz failed on every attempt.</summary>
    public const string Comprehension = "comprehension";

    private readonly Dictionary<string, StaffNote> notes = new(StringComparer.Ordinal);

    public StaffNotes(WorkflowRegistry workflows)
    {
        var folder = Path.Combine(workflows.RepositoryRoot, "templates", "staff", Language);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.md"))
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
            var firstLine = text.Split('\n', 2);
            var title = firstLine[0].StartsWith("# ", StringComparison.Ordinal) ? firstLine[0][2..].Trim() : null;
            if (title is not null)
            {
                notes[Path.GetFileNameWithoutExtension(file)] = new StaffNote(title, firstLine.Length > 1 ? firstLine[1].Trim() : "");
            }
        }
    }

    /// <summary>The note for an open or resolved hold; a plain one when the clinic has written none.</summary>
    public StaffNote For(Hold hold) => hold.Kind == HoldKind.Comprehension
        ? Find(Comprehension) ?? new StaffNote("Teach-back quiz not passed", "")
        : Find(NameOf(hold.Reason, hold.StepId)) ?? new StaffNote("Discussion needed", "");

    /// <summary>The note for a session a stop step ended (a referral).</summary>
    public StaffNote For(SessionEnding ending) =>
        Find(NameOf(ending.Message, ending.StepId ?? "")) ?? new StaffNote("Referred by the screening", "");

    /// <summary>A step as staff name it: its title in the staff language, the note's title for a hold or stop, else what it does.</summary>
    public string StepTitle(LoadedWorkflow workflow, string? stepId) => workflow.Definition.FindStep(stepId) switch
    {
        null => stepId ?? "—",
        { Title: { } title } => MarkdownHtml.Plain(title.For(Language)),
        DiscussionStep discussion => Find(NameOf(discussion.Reason, discussion.Id))?.Title ?? "Discussion",
        StopStep stop => Find(NameOf(stop.Message, stop.Id))?.Title ?? "Referral",
        IdentityStep => "Date of birth check",
        SignatureStep => "Patient's signature",
        CountersignStep => "Countersignature",
        var step => StepTypeNames.Of(step.Type),
    };

    /// <summary>Why a check-in was held, as staff name it: the hold's note title, or that the patient does not agree today.</summary>
    public string CheckinReason(WorkflowDefinition? workflow, string reasonId) =>
        reasonId == CheckinReasons.NoLongerAgrees ? "the patient does not agree today"
        : reasonId == CheckinReasons.OpenQuestion ? "the patient asked a question"
        : workflow?.FindStep(reasonId) is DiscussionStep discussion ? Find(NameOf(discussion.Reason, discussion.Id))?.Title ?? discussion.Id
        : reasonId;

    /// <summary>The note for a check-in's hold reason (a discussion step's), or null for one with none (the patient does not agree today).</summary>
    public StaffNote? CheckinNote(WorkflowDefinition workflow, string reasonId) =>
        workflow.FindStep(reasonId) is DiscussionStep discussion ? Find(NameOf(discussion.Reason, discussion.Id)) : null;

    /// <summary>The note named <paramref name="name"/>, or null.</summary>
    public StaffNote? Find(string name) => notes.GetValueOrDefault(name);

    /// <summary>The note's name for a patient text: its template's last part, or the step id for an inline text.</summary>
    public static string NameOf(LocalizedText? patientText, string stepId) =>
        patientText?.Template is { } template ? template[(template.LastIndexOf('/') + 1)..] : stepId;
}

/// <summary>A staff-facing title and text (Markdown) for a hold or a referral.</summary>
public sealed record StaffNote(string Title, string Text);
