namespace Consent.Web.Hosting;

/// <summary>Files holding a private key: written once, readable by the service's user only, never replaced.</summary>
public static class PrivateFiles
{
    /// <summary>Writes a new file; when one exists already (another process may have won the race) it is kept and this one dropped.</summary>
    public static void WriteNew(string file, byte[] contents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, contents);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temporary, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary);
        }
    }
}
