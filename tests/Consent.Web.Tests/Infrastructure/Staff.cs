namespace Consent.Web.Tests.Infrastructure;

/// <summary>The demo staff accounts seeded in Development.</summary>
public static class Staff
{
    public const string Clinician = "clinician@example.org";
    public const string Auditor = "auditor@example.org";
    public const string Reviewer = "reviewer@example.org";
    public const string Admin = "admin@example.org";

    public static readonly IReadOnlyList<string> All = [Clinician, Auditor, Reviewer, Admin];
}
