namespace Consent.Web.Settings;

/// <summary>The folder for local data (<c>CONSENT_DATA_DIR</c>, default <c>.data</c>): the development certificates and development mail.</summary>
public sealed class DataDirectoryOptions
{
    public const string Key = "CONSENT_DATA_DIR";

    public string? Path { get; set; }

    /// <summary>The folder, as a full path.</summary>
    public string FullPath => System.IO.Path.GetFullPath(string.IsNullOrEmpty(Path) ? ".data" : Path);

    /// <summary>The folder as configured, for the few places that run before the container is built (command-line verbs).</summary>
    public static string From(IConfiguration configuration) => new DataDirectoryOptions { Path = configuration[Key] }.FullPath;
}
