namespace Consent.Web.Hosting;

/// <summary>Files holding a private key: written once, readable by the service's user only, never replaced.</summary>
/// <remarks>
/// Several nodes (or test threads) may start at once on a shared data folder, and each would create the development
/// certificate when it finds none. <see cref="File.Move(string, string, bool)"/> with <c>overwrite: false</c> is not
/// enough on its own: on Linux, .NET checks that the destination is absent and then renames, so two creators can both
/// "win" and the later one silently replaces the key the earlier one already loaded. Creation therefore happens under
/// an exclusive lock on a sibling <c>.lock</c> file (an advisory <c>flock</c> on Unix, a share-none handle on
/// Windows), which the operating system releases even when the process dies half-way.
/// </remarks>
public static class PrivateFiles
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Writes a new file unless one exists already (another process may have won the race, and then its file is kept).
    /// Readers never see a partly written file: the contents go to a temporary file first and are renamed into place.
    /// </summary>
    /// <returns>True when this call created the file; false when it existed already.</returns>
    public static bool WriteNew(string file, byte[] contents)
    {
        var full = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var lockPath = full + ".lock";
        using var held = Acquire(lockPath);
        try
        {
            if (File.Exists(full))
            {
                return false;
            }

            var temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temporary, contents);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            // Only the holder of the lock gets here, and it has just seen no file, so replacing is safe and atomic.
            File.Move(temporary, full, overwrite: true);
            return true;
        }
        finally
        {
            // The file exists by now, so whoever takes a new lock file after this deletion finds it and writes nothing.
            TryDelete(lockPath);
        }
    }

    private static FileStream Acquire(string lockPath)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }
            catch (IOException e)
            {
                throw new IOException(
                    $"Another process has held {lockPath} for more than {LockWait.TotalSeconds:0} seconds while creating {Path.GetFileName(lockPath[..^5])}. "
                    + "If no other node is starting, delete the lock file and start again.", e);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another creator holds it now; it deletes it when done.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above on Windows, where an open file cannot be deleted.
        }
    }
}
