using System.Text;
using Consent.Workflows;

namespace Consent.Web.WorkflowVersions;

/// <summary>A step's texts in one language, in reading order, for reviewers to compare side by side.</summary>
public static class WorkflowTexts
{
    public static string Render(StepDefinition step, string language)
    {
        var text = new StringBuilder();
        if (step.Title is { } title)
        {
            text.AppendLine(title.For(language)).AppendLine();
        }

        switch (step)
        {
            case QuestionsStep questions:
                foreach (var q in questions.Questions)
                {
                    text.Append("- ").AppendLine(q.Text.For(language).Trim());
                    foreach (var option in q.Options)
                    {
                        text.Append("  - ").AppendLine(option.Label.For(language));
                    }
                }

                break;
            case DisclosureStep disclosure:
                text.AppendLine(disclosure.Body.For(language));
                break;
            case ComprehensionStep quiz:
                foreach (var q in quiz.Questions)
                {
                    text.Append("- ").AppendLine(q.Text.For(language).Trim());
                    foreach (var option in q.Options)
                    {
                        text.Append("  - ").Append(option.Label.For(language)).AppendLine(option.Value == q.Answer ? "  ✓" : "");
                    }
                }

                break;
            case DiscussionStep discussion:
                text.AppendLine(discussion.Reason.For(language));
                break;
            case AskStep ask:
                text.AppendLine(ask.Text.For(language));
                break;
            case SignatureStep signature:
                text.AppendLine(signature.Statement.For(language));
                break;
            case CountersignStep countersign:
                text.AppendLine(countersign.Statement.For(language));
                break;
            case AffirmationStep affirmation:
                text.AppendLine(affirmation.Statement.For(language));
                break;
            case StaffCheckStep check:
                foreach (var field in check.Fields)
                {
                    text.Append("- ").Append(field.Label.For(language).Trim())
                        .AppendLine(field.Kind == StaffFieldKind.Number ? $" ({field.Min}–{field.Max}{(field.Unit is { } unit ? " " + unit : "")})" : " (yes/no)");
                }

                break;
            case StopStep stop:
                text.Append('(').Append(stop.Outcome).AppendLine(")").AppendLine(stop.Message.For(language));
                break;
            default:
                break;
        }

        return text.ToString().Trim();
    }
}
