namespace Consent.Web.Settings;

/// <summary>How the service uses its database (section <c>Database</c>; the connection strings are under <c>ConnectionStrings</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>What <see cref="SynchronousCommit"/> may be: wait for the synchronous standby, or commit locally only.</summary>
    public static readonly IReadOnlyList<string> SynchronousCommitPolicies = ["on", "local"];

    /// <summary>Apply pending migrations at start-up as the owner role.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>The runtime role the owner grants privileges to.</summary>
    public string RuntimeRole { get; set; } = Hosting.DatabaseRoles.DefaultRuntimeRole;

    /// <summary>
    /// <c>on</c> (default): a commit waits for the synchronous standby the server names (RPO 0), at most
    /// <see cref="SynchronousCommitTimeoutSeconds"/>, then the request is answered 503 with Retry-After.
    /// <c>local</c>: the service's transactions never wait for a standby (PostgreSQL's
    /// <c>synchronous_commit = local</c>): writes go on while the standby is away, and what the primary
    /// acknowledged since may be lost if it fails before the standby catches up (docs/RELIABILITY.md).
    /// </summary>
    public string SynchronousCommit { get; set; } = "on";

    /// <summary>How long a commit may wait for the synchronous standby before its outcome counts as unknown (503).</summary>
    public double SynchronousCommitTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// How far behind the primary the read source (<c>ConnectionStrings:ConsentRead</c>) may be for an
    /// auditor's read to be served from it; beyond that the read goes to the primary.
    /// </summary>
    public double MaxReadLagSeconds { get; set; } = 5;

    public TimeSpan CommitTimeout => TimeSpan.FromSeconds(SynchronousCommitTimeoutSeconds);
}
