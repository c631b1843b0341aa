using System.Diagnostics;

namespace Consent.Records.Tests.Infrastructure;

/// <summary>Runs a command-line checker (qpdf, pdfsig, pdftotext, certutil). A missing tool fails the test.</summary>
static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Result Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{tool}' is not installed; install poppler-utils, qpdf and libnss3-tools (scripts/test.sh does).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} did not finish in 60 s");
            }

            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }

    public static string TempFile(byte[] content, string extension = ".pdf")
    {
        var path = Path.Combine(Path.GetTempPath(), "consent-records-tests", Guid.NewGuid().ToString("N") + extension);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }
}
