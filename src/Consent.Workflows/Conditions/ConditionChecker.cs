using NCalc;

namespace Consent.Workflows;

/// <summary>Walks a parsed condition: lists its variables and refuses anything beyond the allowed syntax.</summary>
internal static class ConditionChecker
{
    private enum Kind
    {
        Boolean,
        Text,
        Number,
        Unknown,
    }

    public static IReadOnlyList<string> Variables(LogicalExpression expression)
    {
        var names = new List<string>();
        Collect(expression, names);
        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<string> Check(LogicalExpression expression, IReadOnlyDictionary<string, ConditionValueKind> available)
    {
        var errors = new List<string>();
        var kind = KindOf(expression, available, errors);
        if (errors.Count == 0 && kind != Kind.Boolean)
        {
            errors.Add("the condition must be true or false (compare a choice or text answer with ==)");
        }
        return errors;
    }

    private static void Collect(LogicalExpression expression, List<string> names)
    {
        switch (expression)
        {
            case Identifier identifier:
                names.Add(identifier.Name);
                break;
            case UnaryExpression unary:
                Collect(unary.Expression, names);
                break;
            case BinaryExpression binary:
                Collect(binary.LeftExpression, names);
                Collect(binary.RightExpression, names);
                break;
            case TernaryExpression ternary:
                Collect(ternary.LeftExpression, names);
                Collect(ternary.MiddleExpression, names);
                Collect(ternary.RightExpression, names);
                break;
            default:
                break;
        }
    }

    private static Kind KindOf(LogicalExpression expression, IReadOnlyDictionary<string, ConditionValueKind> available, List<string> errors)
    {
        switch (expression)
        {
            case Identifier identifier when available.TryGetValue(identifier.Name, out var valueKind):
                return valueKind switch
                {
                    ConditionValueKind.YesNo => Kind.Boolean,
                    ConditionValueKind.Number => Kind.Number,
                    ConditionValueKind.Text => Kind.Text,
                };
            case Identifier identifier:
                errors.Add($"'{identifier.Name}' is not an answer given in an earlier step");
                return Kind.Unknown;
            case ValueExpression { Type: NCalc.ValueType.Boolean }:
                return Kind.Boolean;
            case ValueExpression { Type: NCalc.ValueType.String }:
                return Kind.Text;
            case ValueExpression { Type: NCalc.ValueType.Integer or NCalc.ValueType.Float }:
                return Kind.Number;
            case UnaryExpression { Type: UnaryExpressionType.Negate, Expression: ValueExpression { Type: NCalc.ValueType.Integer or NCalc.ValueType.Float } }:
                return Kind.Number;
            case UnaryExpression { Type: UnaryExpressionType.Not } unary:
                Expect(Kind.Boolean, KindOf(unary.Expression, available, errors), "not", errors);
                return Kind.Boolean;
            case BinaryExpression { Type: BinaryExpressionType.And or BinaryExpressionType.Or } binary:
                var word = binary.Type == BinaryExpressionType.And ? "and" : "or";
                Expect(Kind.Boolean, KindOf(binary.LeftExpression, available, errors), word, errors);
                Expect(Kind.Boolean, KindOf(binary.RightExpression, available, errors), word, errors);
                return Kind.Boolean;
            case BinaryExpression { Type: BinaryExpressionType.Equal or BinaryExpressionType.NotEqual } binary:
                var left = KindOf(binary.LeftExpression, available, errors);
                var right = KindOf(binary.RightExpression, available, errors);
                if (left != Kind.Unknown && right != Kind.Unknown && left != right)
                {
                    errors.Add("== and != must compare a yes-no answer with true/false, a choice or text answer with a 'quoted' value, or a number with a number");
                }
                return Kind.Boolean;
            case BinaryExpression { Type: BinaryExpressionType.Greater or BinaryExpressionType.GreaterOrEqual
                or BinaryExpressionType.Lesser or BinaryExpressionType.LesserOrEqual } binary:
                var low = KindOf(binary.LeftExpression, available, errors);
                var high = KindOf(binary.RightExpression, available, errors);
                if ((low != Kind.Unknown && low != Kind.Number) || (high != Kind.Unknown && high != Kind.Number))
                {
                    errors.Add("<, <=, > and >= compare a staff check's number with a number");
                }
                return Kind.Boolean;
            case Function function:
                errors.Add($"functions are not allowed in conditions ('{function.Identifier.Name}')");
                return Kind.Unknown;
            default:
                errors.Add("only answers, not, and, or, ==, !=, <, <=, >, >=, parentheses, numbers and 'quoted' values are allowed in conditions");
                return Kind.Unknown;
        }
    }

    private static void Expect(Kind expected, Kind actual, string word, List<string> errors)
    {
        if (actual != Kind.Unknown && actual != expected)
        {
            errors.Add($"'{word}' needs yes-no answers or comparisons on both sides");
        }
    }
}
