using System.Security.Cryptography;
using System.Text;
using Consent.Records;
using Consent.Workflows;

namespace Consent.Benchmarks;

/// <summary>
/// The signed record of <see cref="TypicalSession"/>: every disclosure of the workflow exactly as
/// the templates hold it, the screening answers, two quiz attempts, a question, a discussion, both
/// signatures and the full audit trail. About five A4/Letter pages.
/// </summary>
public static class TypicalRecord
{
    public static ConsentRecord Build(TypicalSession session, int? disclosures = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var language = TypicalSession.Language;
        var at = session.Events.ToDictionary(e => e.Seq, e => e.At);
        var acknowledged = session.Final.Acknowledgments;
        var screening = session.Workflow.Definition.Steps.OfType<QuestionsStep>().Single();
        var answered = session.Events.First(e => e.Type == EventTypes.AnswersRecorded).At;
        var quiz = session.Workflow.Definition.Steps.OfType<ComprehensionStep>().Single();
        var attempts = session.Final.QuizAttempts[quiz.Id];

        // A shorter record drops the acknowledgments (and their audit events) of the disclosures it leaves out.
        var shown = session.Disclosures.Take(disclosures ?? int.MaxValue).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var previous = new string('0', 64);
        var audit = new List<AuditEvent>();
        foreach (var e in session.Events.Where(e => e.Type != EventTypes.DisclosureAcknowledged || shown.Contains(e.StepId!)))
        {
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + e.Type + e.Seq)));
            var patient = e.Actor == "patient";
            audit.Add(new AuditEvent(audit.Count + 1, e.Type, e.At, e.Actor,
                patient ? "203.0.113.47" : "10.20.0.15",
                patient ? "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
                        : "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                previous));
        }

        var ended = session.Events[^1].At;
        var signature = session.Final.PatientSignature!;
        return new ConsentRecord
        {
            Kind = RecordKind.Consent,
            Clinic = new ClinicDetails("Riverside Interventional Psychiatry", ["1200 Harbor Street, Suite 4", "Portland, ME 04101"], "+1 207 555 0142"),
            SessionId = Guid.Parse("6f1c2a4e-8b3d-4c7a-9e21-5d0b7f3a91c4"),
            Patient = new PatientDetails("Margaret J. O'Brien-Whitfield", new DateOnly(1984, 3, 9), "MRN-0048213"),
            Workflow = new WorkflowReference(session.Workflow.Definition.Id, session.Workflow.Definition.Version,
                session.Workflow.Definition.Title.For(language), language, session.Workflow.Hash),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York"),
            StartedAt = TypicalSession.Start,
            EndedAt = ended,
            IssuedAt = ended.AddSeconds(5),
            IdentityCheck = new Records.IdentityCheck(session.Final.Identity.VerifiedAt ?? TypicalSession.Start, "date of birth", 0),
            ScreeningAnswers = [.. screening.Questions.Select(q => new ScreeningAnswer(
                q.Text.For(language), session.Final.Answers[q.Id].GetValue<bool>() ? "Yes" : "No", answered))],
            Disclosures = [.. session.Disclosures.Where(d => shown.Contains(d.Id)).Select(d => new DisclosureAcknowledgment(
                d.Title?.For(language) ?? d.Id, d.Content.For(language), ContentHashes.For(d, language), acknowledged[d.Id].At,
                d.Acknowledge == AcknowledgeMethod.Initials ? AcknowledgmentMethod.Initials : AcknowledgmentMethod.Checkbox,
                acknowledged[d.Id].Initials))],
            Comprehension = new ComprehensionCheck(
                [.. attempts.Select((a, i) => new ComprehensionAttempt(i + 1, a.At, [.. quiz.Questions.Select(q =>
                {
                    var chosen = a.Answers.TryGetValue(q.Id, out var value) ? value : null;
                    var label = q.Options.FirstOrDefault(o => o.Value == chosen)?.Label.For(language) ?? "(no answer)";
                    return new ComprehensionAnswer(q.Text.For(language), label, chosen == q.Answer);
                })]))],
                Passed: true),
            Questions = [.. session.Final.Questions.Select(q => new Records.PatientQuestion(
                q.Text, q.AskedAt, q.Answer, "Dr. Adaeze Okafor, MD", q.AnsweredAt))],
            Discussions = [new ClinicianDiscussion(
                "Discussed past alcohol use (none in 3 years) and that doses are given only in the clinic.", "Dr. Adaeze Okafor, MD",
                session.Events.First(e => e.Type == EventTypes.DiscussionRecorded).At)],
            Signatures =
            [
                new RecordSignature(SignerRole.Patient, signature.FullName, signature.At,
                    "I give my informed consent to the treatment described.", "typed name and drawn signature")
                {
                    Strokes = [.. TypicalSession.Signature().Select(s => (IReadOnlyList<SignaturePoint>)[.. s.Select(p => new SignaturePoint(p.X, p.Y))])],
                },
                new RecordSignature(SignerRole.Clinician, "Dr. Adaeze Okafor, MD", ended,
                    "I attest that the patient was informed and consented voluntarily.", "typed name and password re-entry"),
            ],
            CertificationStatement = Text(session, s => s is SignatureStep sign ? sign.Statement : null),
            ClinicianAttestation = Text(session, s => s is CountersignStep countersign ? countersign.Statement : null),
            HowToWithdraw = session.Workflow.Definition.Withdrawal?.For(language),
            Audit = new AuditTrail(audit, previous),
        };
    }

    /// <summary>Every text the record shows from the templates, for the baselines that draw the same text.</summary>
    public static IReadOnlyList<string> Paragraphs(ConsentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var texts = new List<string> { record.Workflow.Title, record.Patient.Name };
        texts.AddRange(record.ScreeningAnswers.Select(a => $"{a.Question} {a.Answer}"));
        foreach (var d in record.Disclosures)
        {
            texts.AddRange(d.Body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            texts.Add($"Acknowledged {d.AcknowledgedAt:u} {d.Method} {d.Initials}");
        }

        texts.AddRange(record.Comprehension!.Attempts.SelectMany(a => a.Answers).Select(a => $"{a.Question} {a.ChosenLabel}"));
        texts.AddRange(record.Questions.Select(q => $"{q.Question} {q.Answer}"));
        texts.AddRange(record.Discussions.Select(d => d.Note));
        texts.AddRange([record.CertificationStatement ?? "", record.ClinicianAttestation ?? "", record.HowToWithdraw ?? ""]);
        texts.AddRange(record.Audit.Events.Select(e => $"{e.Sequence} {e.Type} {e.At:u} {e.Actor} {e.IpAddress} {e.Hash}"));
        return texts;
    }

    static string? Text(TypicalSession session, Func<StepDefinition, LocalizedText?> pick) =>
        session.Workflow.Definition.Steps.Select(pick).FirstOrDefault(t => t is not null)?.For(TypicalSession.Language);
}
