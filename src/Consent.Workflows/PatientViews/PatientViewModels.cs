namespace Consent.Workflows;

/// <summary>The answer of <c>GET /api/v1/patient/{token}/current</c> (serialized camelCase by the web).</summary>
/// <param name="SessionStatus">The lifecycle status name (<c>InProgress</c>, <c>Referred</c>, ...).</param>
/// <param name="Step">The step to show, or null when nothing is left for the patient.</param>
/// <param name="Message">When a stop step ended the session (<c>Referred</c>): its message, in Markdown.</param>
/// <param name="Changes">For a re-consent: what changed since the patient signed before, to show first; absent otherwise.</param>
public sealed record PatientCurrentView(
    string SessionStatus, PatientStepView? Step, PatientProgressView Progress, string? Message = null, ChangesSinceView? Changes = null);

/// <summary>One step rendered in the session language. Never carries quiz answers.</summary>
/// <param name="Type">The step type as written in YAML (<c>disclosure</c>, ...).</param>
/// <param name="Body">Markdown: a disclosure without its heading, the ask text, or a stop message.</param>
/// <param name="ContentHash">What the patient echoes back when acknowledging (see <see cref="ContentHashes"/>).</param>
/// <param name="Acknowledge">For disclosures: <c>checkbox</c> or <c>initials</c>.</param>
/// <param name="Statement">For the signature step: the certification statement; for a check-in's affirmation step: what the patient affirms.</param>
/// <param name="WaitingFor">For the signature step: why signing must wait (open holds, unanswered questions); null when it need not.</param>
/// <param name="Confirm">
/// For a <c>stop</c> step that waits for the patient: the answers that led to it. The patient confirms
/// them (<c>{"confirm": true}</c>, which ends the session with the stop's message in <c>body</c>) or
/// goes back to change them (<c>{"change": true}</c>).
/// </param>
/// <param name="Mark">In a re-consent, for a disclosure: <c>new</c> or <c>changed</c> since the version signed before; absent otherwise.</param>
/// <param name="Kind">For the disclosure that is the consent's key information: <c>key-information</c>; absent otherwise.</param>
/// <param name="Signer">
/// For the signature step: who signs now (<c>patient</c>, <c>representative</c>, <c>witness</c> or <c>interpreter</c>); the step
/// is shown once per signer, in order, each time with that signer's own <paramref name="Statement"/> and content hash.
/// </param>
/// <param name="SignerName">For a signer other than the patient: the name the clinician gave for them at the start.</param>
/// <param name="AcceptsMark">True when the patient may sign with a mark (<c>"mark": true</c> and the mark drawn): only before an impartial witness.</param>
public sealed record PatientStepView(
    string Id,
    string Type,
    string? Title,
    string? Body,
    string ContentHash,
    string? Acknowledge = null,
    IReadOnlyList<PatientQuestionView>? Questions = null,
    string? Statement = null,
    string? WaitingFor = null,
    IReadOnlyList<PatientAnswerView>? Confirm = null,
    string? Mark = null,
    string? Kind = null,
    string? Signer = null,
    string? SignerName = null,
    bool? AcceptsMark = null);

/// <summary>A screening answer as the patient gave it: the question and the answer's label, in the view's language.</summary>
public sealed record PatientAnswerView(string QuestionId, string Question, string Answer);

/// <summary>A screening or quiz question as shown (<c>kind</c>: yes-no, single-choice, short-text).</summary>
public sealed record PatientQuestionView(string Id, string Kind, string Text, IReadOnlyList<PatientOptionView>? Options);

/// <summary>One choice of a question.</summary>
public sealed record PatientOptionView(string Value, string Label);

/// <summary><see cref="Index"/> of <see cref="Total"/> applicable patient steps are done.</summary>
public sealed record PatientProgressView(int Index, int Total);
