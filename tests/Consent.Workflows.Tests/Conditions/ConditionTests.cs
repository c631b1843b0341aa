namespace Consent.Workflows.Tests.Conditions;

public sealed class ConditionTests
{
    private static readonly Dictionary<string, QuestionKind> Available = new()
    {
        ["pregnant"] = QuestionKind.YesNo,
        ["substance_use"] = QuestionKind.YesNo,
        ["heard_from"] = QuestionKind.SingleChoice,
    };

    [Theory]
    [InlineData("pregnant", true, false, "", true)]
    [InlineData("not pregnant", true, false, "", false)]
    [InlineData("pregnant or substance_use", false, true, "", true)]
    [InlineData("pregnant and substance_use", true, false, "", false)]
    [InlineData("heard_from == 'doctor'", false, false, "doctor", true)]
    [InlineData("heard_from != 'doctor' and not (pregnant or substance_use)", false, false, "other", true)]
    [InlineData("substance_use == true", false, true, "", true)]
    public void Evaluate_UsesTheAnswers(string text, bool pregnant, bool substanceUse, string heardFrom, bool expected)
    {
        var condition = Parse(text);

        Assert.Empty(condition.Validate(Available));
        Assert.Equal(expected, condition.Evaluate(new Dictionary<string, object>
        {
            ["pregnant"] = pregnant,
            ["substance_use"] = substanceUse,
            ["heard_from"] = heardFrom,
        }));
    }

    [Fact]
    public void Evaluate_TreatsMissingAnswersAsFalse()
    {
        Assert.False(Parse("pregnant").Evaluate(new Dictionary<string, object>()));
        Assert.True(Parse("not pregnant").Evaluate(new Dictionary<string, object>()));
    }

    [Theory]
    [InlineData("Abs(1) == 1", "functions are not allowed")]
    [InlineData("later_answer", "not an answer given in an earlier step")]
    [InlineData("heard_from", "must be true or false")]
    [InlineData("pregnant == 'yes'", "== and != must compare")]
    [InlineData("heard_from and pregnant", "'and' needs yes-no answers")]
    [InlineData("pregnant ? true : false", "only answers")]
    [InlineData("heard_from in ('doctor', 'other')", "only answers")]
    [InlineData("1 + 1 == 2", "only answers")]
    public void Validate_RefusesAnythingBeyondAnswersAndLogic(string text, string message)
    {
        var problems = Parse(text).Validate(Available);

        Assert.Contains(problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pregnant ==")]
    [InlineData("heard_from = 'doctor'")]
    [InlineData("   ")]
    public void Parse_RefusesWhatIsNotAnExpression(string text)
    {
        Assert.Null(Condition.Parse(text, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Variables_AreTheAnswerIdsRead()
    {
        Assert.Equal(["heard_from", "pregnant"], Parse("heard_from == 'x' or not pregnant or pregnant").Variables);
    }

    private static Condition Parse(string text)
    {
        var condition = Condition.Parse(text, out var error);
        Assert.True(condition is not null, error);
        return condition;
    }
}

/// <summary>Staff-check numbers in conditions: compared with number literals, nothing else.</summary>
public sealed class NumericConditionTests
{
    private static readonly Dictionary<string, ConditionValueKind> Available = new()
    {
        ["bp_systolic"] = ConditionValueKind.Number,
        ["ride_confirmed"] = ConditionValueKind.YesNo,
        ["heard_from"] = ConditionValueKind.Text,
    };

    [Theory]
    [InlineData("bp_systolic >= 140", 140, true)]
    [InlineData("bp_systolic >= 140", 139.5, false)]
    [InlineData("bp_systolic > 140.5", 140.6, true)]
    [InlineData("bp_systolic < 90", 89, true)]
    [InlineData("bp_systolic <= 90", 91, false)]
    [InlineData("bp_systolic == 120", 120, true)]
    [InlineData("bp_systolic != 120", 120, false)]
    [InlineData("bp_systolic >= 140 or not ride_confirmed", 120, false)]
    [InlineData("bp_systolic > -1", 0, true)]
    public void Numbers_CompareWithThresholds(string text, double value, bool expected)
    {
        var condition = Condition.Parse(text, out var error)!;

        Assert.Null(error);
        Assert.Empty(condition.Validate(Available));
        Assert.Equal(expected, condition.Evaluate(new Dictionary<string, object>
        {
            ["bp_systolic"] = (decimal)value,
            ["ride_confirmed"] = true,
        }));
    }

    [Theory]
    [InlineData("bp_systolic", "must be true or false")]
    [InlineData("bp_systolic >= '140'", "compare a staff check's number with a number")]
    [InlineData("heard_from > 3", "compare a staff check's number with a number")]
    [InlineData("ride_confirmed >= 1", "compare a staff check's number with a number")]
    [InlineData("bp_systolic == true", "== and != must compare")]
    [InlineData("bp_systolic + 10 >= 150", "only answers")]
    public void Validate_RefusesNumbersUsedOtherwise(string text, string message)
    {
        var problems = Condition.Parse(text, out _)!.Validate(Available);

        Assert.Contains(problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void AYesNoQuestion_IsNotANumber()
    {
        var problems = Condition.Parse("pregnant >= 1", out _)!.Validate(new Dictionary<string, QuestionKind> { ["pregnant"] = QuestionKind.YesNo });

        Assert.Contains(problems, p => p.Contains("compare a staff check's number with a number", StringComparison.Ordinal));
    }
}
