using System.Text.Json.Nodes;
using Consent.Records;
using RecordRole = Consent.Records.SignerRole;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Workflows;
using RecordQuestion = Consent.Records.PatientQuestion;
using Consent.Web.Localization;

namespace Consent.Web.SignedRecords;

/// <summary>What a record is made from: the session, its workflow and events, and what the host knows besides.</summary>
/// <param name="Events">Every event of the session, in sequence order.</param>
/// <param name="StaffNames">Display names of the staff ids that appear in the events.</param>
/// <param name="WithdrawnRecordSha256">For a withdrawal: the SHA-256 of the session's consent record.</param>
/// <param name="ReliedOnRecordSha256">For a check-in: the SHA-256 of the consent record its first event says it relies on.</param>
/// <param name="Approvals">The sealed approvals of the workflow version signed before the session started (WorkflowApprovals), in order.</param>
public sealed record RecordSource(
    ConsentSession Session,
    LoadedWorkflow Workflow,
    IReadOnlyList<ConsentEvent> Events,
    RecordKind Kind,
    DateTimeOffset IssuedAt,
    ClinicSettings Clinic,
    IReadOnlyDictionary<string, string> StaffNames,
    string? WithdrawnRecordSha256 = null,
    string? ReliedOnRecordSha256 = null,
    IReadOnlyList<UseCases.Review.ReviewSignature>? Approvals = null,
    PaperScan? Scan = null);

/// <summary>
/// Gathers a <see cref="ConsentRecord"/> from a session's events: everything up to and including the
/// event that ended the session this way (the countersignature, decline, referral or withdrawal).
/// </summary>
/// <remarks>
/// Fixing the end of the audit trail at that event makes the record the same whenever it is built:
/// a retried job, a late job, or the FHIR export rebuilding it later all see the same events, and
/// the record's own <c>RecordIssued</c> event (always later) is never part of it.
/// </remarks>
public static class ConsentRecordBuilder
{
    /// <summary>The record, or null when the session never ended this way.</summary>
    public static ConsentRecord? Build(RecordSource source)
    {
        var endings = RecordEndings.EndingEvents(source.Kind);
        var end = source.Events.LastOrDefault(e => endings.Contains(e.Type));
        if (end is null || (source.Kind == RecordKind.Withdrawal && source.WithdrawnRecordSha256 is null))
        {
            return null;
        }

        var events = source.Events.TakeWhile(e => e.Seq <= end.Seq).ToList();
        var workflow = source.Workflow.Definition;
        var state = ConsentInterpreter.Replay(source.Workflow, [.. events.Select(SessionWriter.ToRecorded)]);
        // The language, workflow hash and start the chain sealed, not the row's copies (which have no seal).
        var language = state.Language is { Length: > 0 } sealedLanguage ? sealedLanguage : source.Session.Language;
        var labels = RecordLabels.For(language);
        var wording = RecordWording.For(language);
        string Name(string? staffId) => staffId is null ? labels.NotRecorded : source.StaffNames.GetValueOrDefault(staffId, staffId);
        // The clinic's wording beside the patient's, when the session is in another language and the workflow has the clinic's.
        var clinicLanguage = source.Clinic.Language;
        var clinic = !string.Equals(language, clinicLanguage, StringComparison.OrdinalIgnoreCase) && workflow.Languages.Contains(clinicLanguage)
            ? new ClinicWording(clinicLanguage, RecordLabels.For(clinicLanguage)) : null;
        var signed = state.Signatures.Count > 0;
        var countersigned = state.Countersignature is not null;

        return new ConsentRecord
        {
            Kind = source.Kind,
            Clinic = source.Clinic.Clinic,
            TimeZone = source.Clinic.TimeZone,
            SessionId = source.Session.Id,
            Patient = new PatientDetails(source.Session.PatientName, source.Session.PatientDateOfBirth, source.Session.PatientMrn),
            Workflow = new WorkflowReference(workflow.Id, workflow.Version, workflow.Title.For(language), language, state.WorkflowHash ?? source.Session.WorkflowHash),
            WorkflowApprovals = [.. (source.Approvals ?? []).Select(a => new WorkflowApproval(wording.ApprovedForUse, a.PrintedName, a.SignedAt))],
            ClinicLanguage = clinic?.Language,
            StartedAt = state.Exists ? state.CreatedAt : source.Session.CreatedAt,
            EndedAt = end.At,
            IssuedAt = source.IssuedAt,
            IdentityCheck = Identity(events, wording),
            ScreeningAnswers = Screening(events, workflow, language, labels, clinic),
            Disclosures = Disclosures(events, workflow, language, clinic),
            Comprehension = Comprehension(events, workflow, state, language, labels, clinic),
            Questions = [.. state.Questions.Select(q => new RecordQuestion(q.Text, q.AskedAt, q.Answer, q.AnsweredBy is null ? null : Name(q.AnsweredBy), q.AnsweredAt))],
            Discussions = [.. events.Where(e => e.Type == EventTypes.DiscussionRecorded)
                .Select(e => (e, p: DiscussionRecordedPayload.From(Payload(e))))
                .Select(x => new ClinicianDiscussion(x.p.Note ?? "", Name(x.p.StaffId), x.e.At))],
            Signatures = state.Paper is { } onPaper
                // On paper, the one electronic signature is the clinician's attestation of the form signed in their presence.
                ? [new RecordSignature(RecordRole.Clinician, Name(onPaper.Recorded.StaffId), onPaper.At, onPaper.Recorded.Attestation, wording.PasswordReentry)]
                : Signatures(state, events, wording, Name, source.Session.PatientName),
            CertificationStatement = signed ? Certification(state, workflow, language, labels) : null,
            ClinicianAttestation = state.Paper?.Recorded.Attestation ?? (countersigned ? Attestation(state, workflow, language, labels, wording) : null),
            Paper = source.Kind == RecordKind.Consent && state.Paper is { } paper && source.Scan is { } scan
                ? new PaperForm(scan.Content, scan.ContentType, scan.Sha256, scan.Pages,
                    DateOnly.ParseExact(paper.Recorded.SignedOn, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                : null,
            HowToWithdraw = source.Kind == RecordKind.Consent ? workflow.Withdrawal?.For(language) : null,
            Outcome = source.Kind switch
            {
                RecordKind.Consent => null,
                RecordKind.Withdrawal => new RecordOutcome(wording.Withdrawn, state.Ending?.Reason, end.At),
                RecordKind.DeclinedSummary => new RecordOutcome(wording.Declined, state.Ending?.Reason, end.At),
                RecordKind.ReferredSummary => new RecordOutcome(state.Ending?.Message?.For(language) ?? wording.Referred, null, end.At),
                RecordKind.Checkin => null, // the check-in's outcome is in Checkin

            },
            Checkin = source.Kind == RecordKind.Checkin ? CheckinRecord.Details(source, events, state, language, labels, Name) : null,
            Withdrawn = source.Kind == RecordKind.Withdrawal ? new WithdrawnRecord(source.Session.Id, source.WithdrawnRecordSha256!) : null,
            Supersedes = source.Kind == RecordKind.Consent && state.Supersedes is { } earlier
                ? new SupersededRecord(earlier.SessionId, earlier.RecordSha256, earlier.Version, earlier.SignedAt)
                : null,
            Audit = new AuditTrail(
                [.. events.Select(e => new AuditEvent(e.Seq, e.Type, e.At, Actor(e.Actor, Name), e.Ip, UserAgentText.Clean(e.UserAgent), e.Hash))],
                end.Hash),
        };
    }

    private static Consent.Records.IdentityCheck? Identity(List<ConsentEvent> events, RecordWording wording)
    {
        var verified = events.FindIndex(e => e.Type == EventTypes.IdentityVerified);
        if (verified < 0)
        {
            return null;
        }

        var failures = events.Take(verified).Count(e => e.Type == EventTypes.IdentityCheckFailed);
        return new Consent.Records.IdentityCheck(events[verified].At, wording.IdentityMethod, failures);
    }

    /// <summary>The clinic's language and its labels, for the clinic-language wording a record carries beside the patient's.</summary>
    private sealed record ClinicWording(string Language, RecordLabels Labels);

    private static List<ScreeningAnswer> Screening(List<ConsentEvent> events, WorkflowDefinition workflow, string language, RecordLabels labels, ClinicWording? clinic)
    {
        var answers = new List<ScreeningAnswer>();
        foreach (var e in events.Where(e => e.Type == EventTypes.AnswersRecorded))
        {
            if (workflow.FindStep(e.StepId) is not QuestionsStep step || Payload(e)[PayloadKeys.Answers] is not JsonObject given)
            {
                continue;
            }

            foreach (var question in step.Questions)
            {
                if (given[question.Id] is { } value)
                {
                    answers.Add(new ScreeningAnswer(question.Text.For(language).Trim(), AnswerText(question, value, language, labels), e.At)
                    {
                        ClinicQuestion = clinic is null ? null : question.Text.For(clinic.Language).Trim(),
                        // What the patient typed is shown as typed, never translated.
                        ClinicAnswer = clinic is null || question.Kind == QuestionKind.ShortText ? null : AnswerText(question, value, clinic.Language, clinic.Labels),
                    });
                }
            }
        }

        return answers;
    }

    private static string AnswerText(Question question, JsonNode value, string language, RecordLabels labels) => question.Kind switch
    {
        QuestionKind.YesNo => value.GetValueKind() == System.Text.Json.JsonValueKind.True ? labels.Yes : labels.No,
        QuestionKind.SingleChoice => Label(question.Options, value.ToString(), language),
        QuestionKind.ShortText => value.ToString(),
    };

    private static List<DisclosureAcknowledgment> Disclosures(List<ConsentEvent> events, WorkflowDefinition workflow, string language, ClinicWording? clinic)
    {
        var disclosures = new List<DisclosureAcknowledgment>();
        foreach (var e in events.Where(e => e.Type == EventTypes.DisclosureAcknowledged))
        {
            if (workflow.FindStep(e.StepId) is not DisclosureStep step)
            {
                continue;
            }

            var acknowledged = DisclosureAcknowledgedPayload.From(Payload(e));
            disclosures.Add(new DisclosureAcknowledgment(
                step.Title?.For(language).Trim() ?? step.Id,
                // The whole template as shown (title heading included): the content hash covers exactly this text.
                step.Content.For(language),
                e.ContentHash ?? ContentHashes.For(step, language),
                e.At,
                acknowledged.Method == AcknowledgeMethod.Initials ? AcknowledgmentMethod.Initials : AcknowledgmentMethod.Checkbox,
                acknowledged.Initials)
            {
                // For the clinic's reference only: the content hash stays that of the text the patient read.
                ClinicTitle = clinic is null ? null : step.Title?.For(clinic.Language).Trim() ?? step.Id,
                ClinicBody = clinic is null ? null : step.Content.For(clinic.Language),
            });
        }

        return disclosures;
    }

    private static ComprehensionCheck? Comprehension(
        List<ConsentEvent> events, WorkflowDefinition workflow, SessionState state, string language, RecordLabels labels, ClinicWording? clinic)
    {
        var attempts = new List<ComprehensionAttempt>();
        foreach (var e in events.Where(e => e.Type == EventTypes.ComprehensionAttempted))
        {
            if (workflow.FindStep(e.StepId) is not ComprehensionStep quiz)
            {
                continue;
            }

            var payload = Payload(e);
            var given = payload[PayloadKeys.Answers] as JsonObject;
            var number = payload["attempt"] is JsonValue n && n.TryGetValue<int>(out var attempt) ? attempt : attempts.Count + 1;
            attempts.Add(new ComprehensionAttempt(number, e.At, [.. quiz.Questions.Select(q =>
            {
                string? chosen = given?[q.Id]?.ToString();
                return new ComprehensionAnswer(q.Text.For(language).Trim(), chosen is null ? labels.NotRecorded : Label(q.Options, chosen, language), chosen == q.Answer)
                {
                    ClinicQuestion = clinic is null ? null : q.Text.For(clinic.Language).Trim(),
                    ClinicChosenLabel = clinic is null ? null : chosen is null ? clinic.Labels.NotRecorded : Label(q.Options, chosen, clinic.Language),
                };
            })]));
        }

        if (attempts.Count == 0)
        {
            return null;
        }

        var passed = state.QuizAttempts.Values.All(list => list.Count > 0 && list[^1].Passed);
        var resolved = !passed && state.Holds.Any(h => h.Kind == HoldKind.Comprehension && !h.IsOpen);
        return new ComprehensionCheck(attempts, passed, resolved);
    }

    private static List<RecordSignature> Signatures(SessionState state, List<ConsentEvent> events, RecordWording wording, Func<string?, string> name, string registeredName)
    {
        var signatures = new List<RecordSignature>();
        var signedEvents = events.Where(e => e.Type is EventTypes.PatientSigned or EventTypes.SignerSigned).ToList();
        var confirmed = state.Countersignature is { NameConfirmed: true };
        for (var i = 0; i < state.Signatures.Count; i++)
        {
            var signature = state.Signatures[i];
            // A payload that stored its method says how it was signed (strokes of an older typed signature are not a drawing).
            var method = signature.Mark ? wording.MarkSignature
                : signature.Strokes.Any(s => s.Length > 0) && (i >= signedEvents.Count || PatientSignedPayload.MethodOf(Payload(signedEvents[i])) != "typed")
                    ? wording.DrawnSignature : wording.TypedSignature;
            var expected = state.Signers.NameOf(signature.Signer) ?? registeredName;
            var (role, meaning, details) = signature.Signer switch
            {
                Workflows.SignerKind.Patient => (RecordRole.Patient, state.Signers.Representative is null ? wording.PatientMeaning : wording.AssentMeaning, (string?)null),
                Workflows.SignerKind.Representative => (RecordRole.Representative, wording.RepresentativeMeaning, RepresentativeDetails(state.Signers.Representative!, wording)),
                Workflows.SignerKind.Witness => (RecordRole.Witness, wording.WitnessMeaning, null),
                _ => (RecordRole.Interpreter, wording.InterpreterMeaning, InterpreterDetails(state.Signers.Interpreter!, wording)),
            };
            signatures.Add(new RecordSignature(role, signature.FullName, signature.At, meaning, method)
            {
                Strokes = [.. signature.Strokes.Select(s => (IReadOnlyList<SignaturePoint>)[.. s.Select(p => new SignaturePoint(p.X, p.Y))])],
                RegisteredName = signature.NameMatches ? null : string.Format(System.Globalization.CultureInfo.InvariantCulture,
                    confirmed ? wording.NameConfirmed : wording.NameNotConfirmed, expected),
                Details = details,
                Assent = signature.Signer == Workflows.SignerKind.Patient && state.Signers.Representative is not null,
            });
        }

        if (state.Countersignature is { } clinician)
        {
            signatures.Add(new RecordSignature(RecordRole.Clinician, name(clinician.StaffId), clinician.At, wording.ClinicianMeaning, wording.PasswordReentry));
        }

        return signatures;
    }

    private static string RepresentativeDetails(Representative r, RecordWording wording) => string.Format(System.Globalization.CultureInfo.InvariantCulture,
        wording.RepresentativeDetails, r.Relationship, r.Authority,
        r.IdentityCheck is { } check ? string.Format(System.Globalization.CultureInfo.InvariantCulture, wording.IdentityCheckedBy, check) : "");

    private static string InterpreterDetails(Interpreter i, RecordWording wording) => string.Format(System.Globalization.CultureInfo.InvariantCulture,
        wording.InterpreterDetails, i.Language, wording.InterpretingModes.GetValueOrDefault(i.Mode, i.Mode), i.Qualification);

    /// <summary>What each signer certified, each under their capacity; for a patient signing alone, the workflow's statement as before.</summary>
    private static string? Certification(SessionState state, WorkflowDefinition workflow, string language, RecordLabels labels)
    {
        if (workflow.Steps.OfType<SignatureStep>().FirstOrDefault() is not { } step)
        {
            return null;
        }

        if (state.Signers.IsPatientAlone)
        {
            return step.Statement.For(language);
        }

        return string.Join("\n\n", state.Signatures.Select(s => $"**{Capacity(s.Signer, state.Signers, labels)}:** "
            + SignerStatements.For(s.Signer, state.Signers, step, language)));
    }

    /// <summary>The clinician's attestation, naming who signed and in what capacity when anyone but the patient alone signed.</summary>
    private static string? Attestation(SessionState state, WorkflowDefinition workflow, string language, RecordLabels labels, RecordWording wording)
    {
        var statement = workflow.Steps.OfType<CountersignStep>().FirstOrDefault()?.Statement.For(language);
        if (statement is null || state.Signers.IsPatientAlone)
        {
            return statement;
        }

        var names = string.Join("; ", state.Signatures.Select(s => $"{s.FullName}, {Capacity(s.Signer, state.Signers, labels).ToLower(System.Globalization.CultureInfo.GetCultureInfo(language))}"));
        return statement + "\n\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, wording.AttestationSigners, names);
    }

    private static string Capacity(Workflows.SignerKind signer, Signers signers, RecordLabels labels) => signer switch
    {
        Workflows.SignerKind.Patient => signers.Representative is null ? labels.RolePatient : labels.RolePatientAssent,
        Workflows.SignerKind.Representative => labels.RoleRepresentative,
        Workflows.SignerKind.Witness => labels.RoleWitness,
        _ => labels.RoleInterpreter,
    };

    private static string Actor(string actor, Func<string?, string> name) =>
        actor is Sessions.Actor.Patient or Sessions.Actor.System ? actor : name(actor);

    internal static string Label(IEnumerable<ChoiceOption> options, string value, string language) =>
        options.FirstOrDefault(o => o.Value == value)?.Label.For(language) ?? value;

    internal static JsonObject Payload(ConsentEvent e) => JsonNode.Parse(e.Payload) as JsonObject ?? [];
}
