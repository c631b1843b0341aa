namespace Consent.Web.Settings;

/// <summary>How the service uses its database (section <c>Database</c>; the connection strings are under <c>ConnectionStrings</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations at start-up as the owner role.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>The runtime role the owner grants privileges to.</summary>
    public string RuntimeRole { get; set; } = Hosting.DatabaseRoles.DefaultRuntimeRole;
}
