using System.Globalization;
using NCalc;
using NCalc.Exceptions;
using NCalc.Factories;

namespace Consent.Workflows;

/// <summary>A step's <c>when:</c> condition: an NCalc expression over earlier answers.</summary>
/// <remarks>
/// Only answer ids, <c>not</c>/<c>and</c>/<c>or</c>, <c>==</c>/<c>!=</c>, parentheses and string or
/// boolean literals are allowed, and in check-ins staff-check numbers compared with number literals by
/// <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>==</c> and <c>!=</c> (<c>bp_systolic &gt;= 140</c>);
/// functions and other operators (arithmetic included) are refused at load, so a definition cannot
/// reach .NET types or compute anything. A variable whose question was not answered (skipped by its
/// own condition, or optional and left empty) evaluates as <c>false</c> for yes-no questions and as
/// the empty string for the other kinds.
/// </remarks>
public sealed class Condition
{
    private const ExpressionOptions EvaluationOptions =
        ExpressionOptions.OrdinalStringComparer | ExpressionOptions.StrictTypeMatching;

    private Condition(string text, LogicalExpression expression)
    {
        Text = text;
        Expression = expression;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    internal LogicalExpression Expression { get; }

    /// <summary>Parses <paramref name="text"/>; returns null and an error message when it is not a valid expression.</summary>
    public static Condition? Parse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the condition is empty";
            return null;
        }
        try
        {
            var options = new LogicalExpressionParserOptions { DisallowSingleEquals = true };
            var expression = LogicalExpressionFactory.Create(text, options, CultureInfo.InvariantCulture);
            NumbersAsDecimals(expression);
            return new Condition(text, expression);
        }
        catch (NCalcException e)
        {
            error = $"the condition \"{text}\" is not a valid expression: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// Makes every number literal a <see cref="decimal"/>, the type staff-check values are evaluated as:
    /// with strict type matching NCalc would never find 150m greater than the literal 140 (an int).
    /// </summary>
    private static void NumbersAsDecimals(LogicalExpression expression)
    {
        switch (expression)
        {
            case ValueExpression { Type: NCalc.ValueType.Integer or NCalc.ValueType.Float } number:
                number.Value = Convert.ToDecimal(number.Value, CultureInfo.InvariantCulture);
                break;
            case UnaryExpression unary:
                NumbersAsDecimals(unary.Expression);
                break;
            case BinaryExpression binary:
                NumbersAsDecimals(binary.LeftExpression);
                NumbersAsDecimals(binary.RightExpression);
                break;
            default:
                break;
        }
    }

    /// <summary>Names of the answers the condition reads.</summary>
    public IReadOnlyList<string> Variables => ConditionChecker.Variables(Expression);

    /// <summary>
    /// Checks that the condition only uses allowed syntax and the answers in <paramref name="available"/>
    /// (question id to kind), and that it yields true or false. Returns one message per problem.
    /// </summary>
    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, QuestionKind> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        return Validate(available.ToDictionary(a => a.Key, a => a.Value == QuestionKind.YesNo ? ConditionValueKind.YesNo : ConditionValueKind.Text,
            StringComparer.Ordinal));
    }

    /// <summary>
    /// Checks the condition against variables of any kind (<paramref name="available"/>: variable to kind),
    /// staff-check numbers included. Returns one message per problem.
    /// </summary>
    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, ConditionValueKind> available) =>
        ConditionChecker.Check(Expression, available);

    /// <summary>
    /// Evaluates with <paramref name="variables"/> (answer id to <see cref="bool"/> or <see cref="string"/>,
    /// staff-check numbers as <see cref="decimal"/>). Variables missing from the dictionary count as false.
    /// </summary>
    public bool Evaluate(IReadOnlyDictionary<string, object> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var expression = new Expression(Expression, EvaluationOptions, new ExpressionContext(), CultureInfo.InvariantCulture, null);
        foreach (var name in Variables)
        {
            expression.Parameters[name] = variables.TryGetValue(name, out var value) ? value : false;
        }
        return expression.Evaluate() is true;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>What a condition variable holds.</summary>
public enum ConditionValueKind
{
    /// <summary>A yes-no answer or staff check: <c>true</c> or <c>false</c>.</summary>
    YesNo,

    /// <summary>A single-choice or short-text answer: a string.</summary>
    Text,

    /// <summary>A staff check's number: compared with number literals.</summary>
    Number,
}
