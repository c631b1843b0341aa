using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>The record's smaller sections: outcome, identity, screening, quiz, questions, discussions.</summary>
static class RecordSections
{
    public static void Outcome(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Kind == RecordKind.Withdrawal && record.Withdrawn is { } withdrawn)
        {
            blocks.Add(new HeadingBlock(labels.WithdrawnRecord, 1));
            blocks.Add(KeyValues(
            [
                (labels.OriginalSession, withdrawn.SessionId.ToString()),
                (labels.OriginalRecordHash, withdrawn.RecordSha256),
            ]));
        }

        if (record.Supersedes is { } earlier)
        {
            blocks.Add(new HeadingBlock(labels.SupersedesRecord, 1));
            blocks.AddRange(MarkdownBlocks.Convert(labels.SupersedesIntro, Theme.Body));
            blocks.Add(KeyValues(
            [
                (labels.OriginalSession, earlier.SessionId.ToString()),
                (labels.OriginalRecordHash, earlier.RecordSha256),
                (labels.SupersededVersion, earlier.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                (labels.SupersededSignedAt, Time(earlier.SignedAt, record)),
            ]));
        }

        if (record.Outcome is not { } outcome)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.Outcome, 1));
        blocks.AddRange(MarkdownBlocks.Convert(outcome.Text, Theme.Body));
        var runs = new List<Run>();
        if (!string.IsNullOrWhiteSpace(outcome.Reason))
        {
            runs.Add(Bold($"{labels.Reason}: "));
            runs.Add(Text($"{outcome.Reason}\n"));
        }

        runs.Add(SmallText($"{labels.OutcomeAt}: {Time(outcome.At, record)}"));
        blocks.Add(Panel(runs, Theme.AlertFill, Theme.AlertBar));
    }

    public static void Identity(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.IdentityCheck is not { } check)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.IdentityCheck, 1));
        blocks.Add(KeyValues(
        [
            (labels.VerifiedAt, Time(check.VerifiedAt, record)),
            (labels.Method, check.Method),
            (labels.FailedAttempts, check.FailedAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]));
    }

    public static void Screening(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.ScreeningAnswers.Count == 0)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.Screening, 1));
        blocks.Add(new TableBlock(
            [0.58, 0.17, 0.25],
            [HeaderCell(labels.Question), HeaderCell(labels.Answer), HeaderCell(labels.AnsweredAt)],
            [.. record.ScreeningAnswers.Select(a => (IReadOnlyList<TableCell>)[Cell(a.Question, a.ClinicQuestion), Cell(a.Answer, a.ClinicAnswer), Cell(Time(a.At, record))])])
        {
            SpaceAfter = 10,
        });
        ClinicWordingNote(record, labels, record.ScreeningAnswers.Any(a => a.ClinicQuestion is not null), blocks);
    }

    /// <summary>Under a table with the clinic's wording in grey: what the grey lines are, in the record's language and the clinic's.</summary>
    static void ClinicWordingNote(ConsentRecord record, RecordLabels labels, bool any, List<Block> blocks)
    {
        if (record.ClinicLanguage is not { } clinicLanguage || !any)
        {
            return;
        }

        var clinicLabels = RecordLabels.For(clinicLanguage);
        string Note(RecordLabels l) => string.Format(System.Globalization.CultureInfo.InvariantCulture,
            l.ClinicWordingInTable, l.LanguageWord(clinicLanguage), l.LanguageWord(record.Workflow.Language));
        var text = clinicLabels.Language == labels.Language ? Note(labels) : $"{Note(labels)}\n{Note(clinicLabels)}";
        blocks.Add(new ParagraphBlock([new Run(text, Theme.ClinicWording)]) { SpaceAfter = 10 });
    }

    public static void Comprehension(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Comprehension is not { } quiz)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.Comprehension, 1));
        foreach (var attempt in quiz.Attempts)
        {
            var passed = attempt.Answers.All(a => a.Correct);
            blocks.Add(new HeadingBlock($"{labels.Attempt} {attempt.Number} \u2013 {Time(attempt.At, record)}", 3));
            blocks.Add(new TableBlock(
                [0.55, 0.3, 0.15],
                [HeaderCell(labels.Question), HeaderCell(labels.ChosenAnswer), HeaderCell(labels.Result)],
                [.. attempt.Answers.Select(a => (IReadOnlyList<TableCell>)[Cell(a.Question, a.ClinicQuestion), Cell(a.ChosenLabel, a.ClinicChosenLabel), ResultCell(a.Correct, labels)])])
            {
                SpaceAfter = 6,
            });
        }

        ClinicWordingNote(record, labels, quiz.Attempts.Any(t => t.Answers.Any(a => a.ClinicQuestion is not null)), blocks);
        var result = quiz.Passed ? labels.Passed : quiz.ResolvedByClinician ? labels.ResolvedByClinician : labels.NotPassed;
        blocks.Add(new ParagraphBlock([new Run($"{labels.Result}: ", Theme.Body.WithBold()), Text(result)]) { SpaceAfter = 10 });
    }

    static TableCell ResultCell(bool correct, RecordLabels labels) =>
        new([new Run(correct ? labels.Correct : labels.Incorrect, Theme.TableText with { Bold = !correct, Color = correct ? Theme.AcknowledgedBar : Theme.AlertBar })]);

    public static void Questions(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Questions.Count == 0)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.QuestionsAndAnswers, 1));
        foreach (var q in record.Questions)
        {
            var answeredBy = q.AnsweredBy is null ? labels.NotRecorded
                : q.AnsweredAt is { } at ? $"{q.AnsweredBy}, {Time(at, record)}" : q.AnsweredBy;
            blocks.Add(KeyValues(
            [
                (labels.Question, q.Question),
                (labels.Asked, Time(q.AskedAt, record)),
                (labels.Answer, q.Answer ?? labels.NotAnswered),
                (labels.AnsweredBy, q.Answer is null ? "\u2013" : answeredBy),
            ]));
        }
    }

    public static void Discussions(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Discussions.Count == 0)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.Discussions, 1));
        foreach (var d in record.Discussions)
        {
            blocks.Add(Panel([Text(d.Note), SmallText($"\n{labels.NotedBy}: {d.By}, {Time(d.At, record)}")], Theme.PanelFill, Theme.Accent));
        }
    }
}
