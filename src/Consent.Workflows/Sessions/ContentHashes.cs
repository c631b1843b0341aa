using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>SHA-256 of the exact text a step shows in a language, so the log proves what was read.</summary>
/// <remarks>
/// Disclosures hash the template file's text; signature, countersign and affirmation steps their
/// statement; stop and discussion steps their message or reason. Steps made of several texts (questions,
/// quizzes, ask, identity, a staff check's fields) hash the canonical JSON of what is shown — never the quiz answers.
/// </remarks>
public static class ContentHashes
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="step"/> as shown in <paramref name="language"/>.</summary>
    public static string For(StepDefinition step, string language)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step switch
        {
            DisclosureStep disclosure => Of(disclosure.Content.For(language)),
            SignatureStep signature => Of(signature.Statement.For(language)),
            CountersignStep countersign => Of(countersign.Statement.For(language)),
            StopStep stop => Of(stop.Message.For(language)),
            DiscussionStep discussion => Of(discussion.Reason.For(language)),
            AffirmationStep affirmation => Of(affirmation.Statement.For(language)),
            _ => Of(CanonicalJson.Write(Rendering(step, language))),
        };
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static JsonObject Rendering(StepDefinition step, string language)
    {
        var view = new JsonObject
        {
            ["id"] = step.Id,
            ["type"] = StepTypeNames.Of(step.Type),
            ["title"] = step.Title?.For(language),
        };
        switch (step)
        {
            case QuestionsStep questions:
                view["questions"] = new JsonArray([.. questions.Questions.Select(q => (JsonNode)new JsonObject
                {
                    ["id"] = q.Id,
                    ["kind"] = Question.KindName(q.Kind),
                    ["text"] = q.Text.For(language),
                    ["options"] = Options(q.Options, language),
                })]);
                break;
            case ComprehensionStep quiz:
                view["questions"] = new JsonArray([.. quiz.Questions.Select(q => (JsonNode)new JsonObject
                {
                    ["id"] = q.Id,
                    ["text"] = q.Text.For(language),
                    ["options"] = Options(q.Options, language),
                })]);
                break;
            case AskStep ask:
                view["text"] = ask.Text.For(language);
                break;
            case StaffCheckStep check:
                view["fields"] = new JsonArray([.. check.Fields.Select(f => (JsonNode)new JsonObject
                {
                    ["id"] = f.Id,
                    ["kind"] = StaffCheckField.KindName(f.Kind),
                    ["label"] = f.Label.For(language),
                    ["unit"] = f.Unit,
                    ["min"] = f.Min,
                    ["max"] = f.Max,
                })]);
                break;
            default:
                break;
        }
        return view;
    }

    private static JsonArray Options(IEnumerable<ChoiceOption> options, string language) =>
        new([.. options.Select(o => (JsonNode)new JsonObject { ["value"] = o.Value, ["label"] = o.Label.For(language) })]);
}
