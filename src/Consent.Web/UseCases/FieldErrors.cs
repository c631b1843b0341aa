namespace Consent.Web.UseCases;

/// <summary>Messages by field for an invalid request; becomes <see cref="Outcome{T}.Invalid"/>.</summary>
public sealed record FieldErrors(IReadOnlyDictionary<string, string[]> Errors)
{
    public static FieldErrors One(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Nothing to act on; becomes <see cref="Outcome{T}.NotFound"/>. Without a detail the answer is a bare 404.</summary>
public sealed record Missing(string? Detail)
{
    /// <summary>A session that does not exist and one the caller may not see get the same answer, so ids cannot be probed.</summary>
    public static readonly Missing Session = new("There is no such session, or you may not see it.");

    public static readonly Missing WorkflowVersion = new("No such workflow version.");

    public static readonly Missing Nothing = new((string?)null);
}
