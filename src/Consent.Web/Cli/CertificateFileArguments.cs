using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;
namespace Consent.Web.Cli;

/// <summary>The arguments of the verbs that make a certificate: <c>FILE.pfx [--subject NAME]</c>.</summary>
public sealed record CertificateFileArguments(string File, string Subject)
{
    /// <summary>The arguments, or null after printing the usage (the verb then exits with 2).</summary>
    public static CertificateFileArguments? Parse(IReadOnlyList<string> args, string verb, string defaultSubject, TextWriter error)
    {
        string? file = null;
        var subject = defaultSubject;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--subject" && i + 1 < args.Count)
            {
                subject = args[++i];
            }
            else if (file is null && !args[i].StartsWith('-'))
            {
                file = args[i];
            }
            else
            {
                error.WriteLine($"Unexpected argument '{args[i]}'. Usage: {verb} FILE.pfx [--subject NAME]");
                return null;
            }
        }

        if (file is null)
        {
            error.WriteLine($"Usage: {verb} FILE.pfx [--subject NAME]");
        }

        return file is null ? null : new CertificateFileArguments(file, subject);
    }
}
