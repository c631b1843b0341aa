using System.Globalization;
using Hl7.Fhir.Model;
using Item = Hl7.Fhir.Model.QuestionnaireResponse.ItemComponent;

namespace Consent.Records.Fhir;

/// <summary>The QuestionnaireResponse: identity check, screening answers, every disclosure acknowledgment, quiz attempts and questions.</summary>
static class FhirAnswers
{
    public static QuestionnaireResponse QuestionnaireResponse(ConsentRecord record, FhirBundleOptions options, FhirReferences ids)
    {
        var labels = RecordLabels.For(record.Workflow.Language);
        var w = record.Workflow;
        var response = new QuestionnaireResponse
        {
            Identifier = new Identifier(options.SessionIdSystem, record.SessionId.ToString()),
            Questionnaire = $"{options.WorkflowPolicyBase}{w.Id}/v{w.Version.ToString(CultureInfo.InvariantCulture)}",
            Status = record.Kind is RecordKind.DeclinedSummary or RecordKind.ReferredSummary
                ? Hl7.Fhir.Model.QuestionnaireResponse.QuestionnaireResponseStatus.Stopped
                : Hl7.Fhir.Model.QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference(ids.Patient),
            AuthoredElement = new FhirDateTime(record.EndedAt ?? record.IssuedAt),
            Author = new ResourceReference(ids.Patient),
            Source = new ResourceReference(ids.Patient),
        };

        if (IdentityGroup(record, labels) is { } identityGroup)
        {
            response.Item.Add(identityGroup);
        }

        if (record.ScreeningAnswers.Count > 0)
        {
            response.Item.Add(Group("screening", labels.Screening,
                [.. record.ScreeningAnswers.Select((a, i) => Question($"screening.{i + 1}", a.Question, new FhirString(a.Answer)))]));
        }

        if (record.Disclosures.Count > 0)
        {
            response.Item.Add(Group("disclosures", labels.Disclosures, [.. record.Disclosures.Select((d, i) => Disclosure(d, i + 1, labels))]));
        }

        if (record.Comprehension is { } quiz)
        {
            var attempts = quiz.Attempts.Select(a => Group($"comprehension.{a.Number}", $"{labels.Attempt} {a.Number}",
            [
                Question($"comprehension.{a.Number}.at", labels.AnsweredAt, new FhirDateTime(a.At)),
                .. a.Answers.Select((q, i) => Group($"comprehension.{a.Number}.{i + 1}", q.Question,
                    Question($"comprehension.{a.Number}.{i + 1}.chosen", labels.ChosenAnswer, new FhirString(q.ChosenLabel)),
                    Question($"comprehension.{a.Number}.{i + 1}.correct", labels.Correct, new FhirBoolean(q.Correct)))),
            ]));
            response.Item.Add(Group("comprehension", labels.Comprehension,
            [
                .. attempts,
                Question("comprehension.passed", labels.Passed, new FhirBoolean(quiz.Passed)),
                Question("comprehension.resolved-by-clinician", labels.ResolvedByClinician, new FhirBoolean(quiz.ResolvedByClinician)),
            ]));
        }

        if (record.Questions.Count > 0)
        {
            response.Item.Add(Group("questions", labels.QuestionsAndAnswers, [.. record.Questions.Select((q, i) => PatientQuestion(q, i + 1, labels))]));
        }

        return response;
    }

    static Item Disclosure(DisclosureAcknowledgment d, int n, RecordLabels labels)
    {
        List<Item> items =
        [
            Question($"disclosure.{n}.acknowledged", labels.Acknowledged, new FhirBoolean(true)),
            Question($"disclosure.{n}.acknowledged-at", labels.AnsweredAt, new FhirDateTime(d.AcknowledgedAt)),
            Question($"disclosure.{n}.method", labels.Method, new Coding("urn:consent:acknowledgment-method", d.Method switch
            {
                AcknowledgmentMethod.Checkbox => "checkbox",
                AcknowledgmentMethod.Initials => "initials",
            })),
            Question($"disclosure.{n}.content-sha256", labels.ContentHash, new FhirString(d.ContentSha256)),
        ];
        if (d.Initials is { Length: > 0 } initials)
        {
            items.Add(Question($"disclosure.{n}.initials", labels.ByInitials, new FhirString(initials)));
        }

        return Group($"disclosure.{n}", d.Title, [.. items]);
    }

    static Item PatientQuestion(PatientQuestion q, int n, RecordLabels labels)
    {
        List<Item> items =
        [
            Question($"questions.{n}.text", labels.Question, new FhirString(q.Question)),
            Question($"questions.{n}.asked-at", labels.Asked, new FhirDateTime(q.AskedAt)),
        ];
        if (q.Answer is { } answer)
        {
            items.Add(Question($"questions.{n}.answer", labels.Answer, new FhirString(answer)));
        }

        if (q.AnsweredBy is { } by)
        {
            items.Add(Question($"questions.{n}.answered-by", labels.AnsweredBy, new FhirString(by)));
        }

        if (q.AnsweredAt is { } at)
        {
            items.Add(Question($"questions.{n}.answered-at", labels.AnsweredAt, new FhirDateTime(at)));
        }

        return Group($"questions.{n}", $"{labels.Question} {n}", [.. items]);
    }

    /// <summary>The identity check as a group of answers (consent and check-in responses alike); null when none was recorded.</summary>
    internal static Item? IdentityGroup(ConsentRecord record, RecordLabels labels) => record.IdentityCheck is { } identity
        ? Group("identity", labels.IdentityCheck,
            Question("identity.verified-at", labels.VerifiedAt, new FhirDateTime(identity.VerifiedAt)),
            Question("identity.method", labels.Method, new FhirString(identity.Method)),
            Question("identity.failed-attempts", labels.FailedAttempts, new Integer(identity.FailedAttempts)))
        : null;

    internal static Item Group(string linkId, string text, params Item[] items) => new() { LinkId = linkId, Text = text, Item = [.. items] };

    internal static Item Question(string linkId, string text, DataType value) => new()
    {
        LinkId = linkId,
        Text = text,
        Answer = [new QuestionnaireResponse.AnswerComponent { Value = value }],
    };
}
