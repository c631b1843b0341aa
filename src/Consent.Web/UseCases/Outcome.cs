namespace Consent.Web.UseCases;

/// <summary>
/// What a use case answered, in no transport's words: done (with its value), invalid (errors by
/// field), refused (a kind and a reason) or not found. The API turns it into HTTP in one place
/// (<c>Api/OutcomeResults.cs</c>), the staff pages into ModelState in one place (<c>Ui/StaffPageModel.cs</c>).
/// </summary>
/// <remarks>
/// A use case returns its value, a <see cref="FieldErrors"/>, a <see cref="Refusal"/> or a
/// <see cref="Missing"/>, each turned into an outcome implicitly, so its code reads as what it means.
/// </remarks>
#pragma warning disable CA1000, CA2225 // The conversions are the point: a use case returns what it means (see remarks).
public abstract record Outcome<T>
{
    private Outcome()
    {
    }

    /// <summary>Done; the value the caller asked for.</summary>
    public sealed record Ok(T Value) : Outcome<T>;

    /// <summary>What was sent is not acceptable; messages by field (keys as the API names them, e.g. <c>patient.name</c>).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Outcome<T>;

    /// <summary>Not possible: why, and of which kind.</summary>
    public sealed record Refused(Refusal Refusal) : Outcome<T>;

    /// <summary>No such thing, or the caller may not see it (the two are not told apart).</summary>
    public sealed record NotFound(string? Detail) : Outcome<T>;

    public static implicit operator Outcome<T>(T value) => new Ok(value);

    public static implicit operator Outcome<T>(Refusal refusal) => new Refused(refusal);

    public static implicit operator Outcome<T>(FieldErrors errors) => new Invalid(errors.Errors);

    public static implicit operator Outcome<T>(Missing missing) => new NotFound(missing.Detail);

    /// <summary>The same failure, for a use case that answers another type; a success cannot be carried over.</summary>
    public Outcome<TOther> Failure<TOther>() => this switch
    {
        Invalid invalid => new Outcome<TOther>.Invalid(invalid.Errors),
        Refused refused => new Outcome<TOther>.Refused(refused.Refusal),
        NotFound missing => new Outcome<TOther>.NotFound(missing.Detail),
        _ => throw new InvalidOperationException("A successful outcome is not a failure."),
    };
}
#pragma warning restore CA1000, CA2225
