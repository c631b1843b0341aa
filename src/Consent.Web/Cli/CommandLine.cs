using Consent.Workflows;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;

namespace Consent.Web.Cli;

/// <summary>
/// Command-line verbs of the service binary, for operators, auditors and CI:
/// <c>validate-workflows</c> checks every definition and template and exits non-zero on any error;
/// <c>verify-record FILE.pdf [--certificate cert.pem]</c> checks a record offline (exit 0 only when valid);
/// <c>create-signing-certificate FILE.pfx [--subject NAME]</c> makes a self-signed record-signing certificate;
/// <c>create-key-encryption-certificate FILE.pfx [--subject NAME]</c> makes the certificate that encrypts the Data Protection key ring.
/// </summary>
public static class CommandLine
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0)
        {
            return false;
        }

        switch (args[0])
        {
            case "validate-workflows":
                exitCode = ValidateWorkflows(args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("CONSENT_REPOSITORY_ROOT") ?? Directory.GetCurrentDirectory());
                return true;
            case "verify-record":
                exitCode = RecordVerbs.VerifyRecord(args[1..], Console.Out, Console.Error);
                return true;
            case "create-signing-certificate":
                exitCode = RecordVerbs.CreateSigningCertificate(args[1..], Console.Out, Console.Error);
                return true;
            case "create-key-encryption-certificate":
                exitCode = KeyEncryptionVerb.Create(args[1..], Console.Out, Console.Error);
                return true;
            default:
                // A word that is no command must not start the web service instead (ASP.NET Core's
                // own switches begin with '-' or contain '=').
                if (!args[0].StartsWith('-') && !args[0].Contains('=') && !ServiceVerbs.Names.Contains(args[0]))
                {
                    Console.Error.WriteLine($"Unknown command '{args[0]}'. Commands: validate-workflows, verify-record, create-signing-certificate, "
                        + $"create-key-encryption-certificate, {string.Join(", ", ServiceVerbs.Names)}; with none, the service starts.");
                    exitCode = 2;
                    return true;
                }

                return false;
        }
    }

    private static int ValidateWorkflows(string root)
    {
        var load = WorkflowCatalog.Load(Path.GetFullPath(root));
        foreach (var error in load.Errors)
        {
            Console.Error.WriteLine(error.ToString());
        }

        if (!load.Succeeded)
        {
            Console.Error.WriteLine($"{load.Errors.Length} problem(s) in the workflow definitions.");
            return 1;
        }

        foreach (var workflow in load.Catalog!.Workflows)
        {
            Console.WriteLine($"ok  {workflow.SourcePath}  {workflow.Definition.Steps.Length} steps  sha256 {workflow.Hash}");
        }

        var keyInformation = load.Catalog.NewestVersionsWithoutKeyInformation().ToList();
        foreach (var error in keyInformation)
        {
            Console.Error.WriteLine(error.ToString());
        }

        return keyInformation.Count == 0 ? 0 : 1;
    }
}
