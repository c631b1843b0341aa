using Consent.Web.DemoData;
using Consent.Web.Hosting;
using Consent.Web.SignedRecords;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Consent.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Consent.Web.Cli;

/// <summary>
/// <c>seed-demo-data [BASE_URL]</c>, Development only: twenty fictional patients (<see cref="DemoPatients"/>, MRNs
/// <c>DEMO-0001</c> to <c>DEMO-0020</c>) taken through real consents by the demo clinician, some of them more than a year
/// ago, so that every consent status shows on the pages (<see cref="DemoSeeder"/>). It prepares the database as start-up
/// does (migrations, roles, the shipped workflows, the demo accounts), skips a patient whose MRN is registered, prints each
/// demo patient's status and the links of the sessions left open (under <c>BASE_URL</c>, by default
/// <c>http://127.0.0.1:5080</c>). Exit 2 outside Development, without <c>CONSENT_DEMO_PASSWORD</c>, or when the
/// record-signing certificate is not valid early enough for the back-dated records; 1 when a start-up check fails, a use
/// case refuses a step of the story, or a seeded patient did not end with the status the story says.
/// </summary>
public static class DemoDataVerb
{
    public const string Name = "seed-demo-data";

    private const string DefaultBaseUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// For this verb's process only: the service's clock becomes a <see cref="DemoClock"/> the seeder sets back, and
    /// the log says only warnings and worse (the verb prints what it did).
    /// </summary>
    public static void UseDemoClock(WebApplicationBuilder builder, string[] args)
    {
        if (args.Length > 0 && args[0] == Name)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new DemoClock()));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        }
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!app.Environment.IsDevelopment())
        {
            Console.Error.WriteLine($"{Name} runs in Development only (ASPNETCORE_ENVIRONMENT is {app.Environment.EnvironmentName}): it makes up patients "
                + "and signs consent records for them, which must never reach a clinic's database. Nothing was changed.");
            return 2;
        }

        // What follows the verb, before the host's own switches (--contentRoot ...).
        args = [.. args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))];
        if (args.Length > 2 || (args.Length == 2 && !Uri.TryCreate(args[1], UriKind.Absolute, out _)))
        {
            Console.Error.WriteLine($"usage: {Name} [BASE_URL]   (the address patient links are printed under; default {DefaultBaseUrl})");
            return 2;
        }

        if (app.Configuration["CONSENT_DEMO_PASSWORD"] is not { Length: > 0 } password)
        {
            Console.Error.WriteLine($"{Name} needs CONSENT_DEMO_PASSWORD, the demo accounts' password: the demo clinician countersigns with it "
                + "(scripts/run.sh --demo-data sets it). Nothing was changed.");
            return 2;
        }

        var clock = app.Services.GetRequiredService<TimeProvider>() as DemoClock
            ?? throw new InvalidOperationException($"{Name} runs under the demo clock (DemoDataVerb.UseDemoClock before the host is built).");
        try
        {
            await app.CheckAndPrepareAsync();
        }
        catch (StartupProblemException problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 1;
        }

        var seeder = new DemoSeeder(app.Services, clock, password, args.Length == 2 ? args[1].TrimEnd('/') : DefaultBaseUrl);
        if ((await seeder.ExistingMrnsAsync(CancellationToken.None)).Count < DemoPatients.All.Count
            && CertificateProblem(app.Services.GetRequiredService<RecordSigning>(), clock.GetUtcNow() - DemoPatients.Earliest) is { } refusal)
        {
            Console.Error.WriteLine(refusal);
            return 2;
        }

        IReadOnlyList<DemoPatient> seeded, skipped;
        try
        {
            (seeded, skipped) = await seeder.SeedAsync(CancellationToken.None);
        }
        catch (InvalidOperationException e)
        {
            // A use case refused a step of the story: what was done stays, as any real session would.
            Console.Error.WriteLine($"{e.Message} The demo patients seeded before it stay as they are; a later run skips every MRN that is registered.");
            return 1;
        }

        Console.WriteLine(skipped.Count == 0 ? $"Seeded {seeded.Count} demo patients."
            : $"Seeded {seeded.Count} demo patient(s); {skipped.Count} were there already ({string.Join(", ", skipped.Select(p => p.Mrn))}) and were left as they are.");
        var wrong = await ReportAsync(app.Services, seeded);
        foreach (var (mrn, dateOfBirth, url, expiresAt) in seeder.OpenLinks.Where(l => l.ExpiresAt > clock.GetUtcNow()))
        {
            Console.WriteLine($"  Open as patient {mrn} (date of birth {dateOfBirth:yyyy-MM-dd}, until {expiresAt:yyyy-MM-dd}): {url}");
        }

        return wrong == 0 ? 0 : 1;
    }

    /// <summary>
    /// Why the signing certificate cannot sign the back-dated records: a record whose signing time lies before its
    /// certificate's validity does not verify (RecordVerifier), so the demo would be full of records that fail the audit.
    /// </summary>
    private static string? CertificateProblem(RecordSigning signing, DateTimeOffset earliest)
    {
        var validFrom = new DateTimeOffset(signing.Certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        return validFrom <= earliest ? null
            : $"The record-signing certificate {signing.Source} is valid from {validFrom:yyyy-MM-dd HH:mm} UTC, but the demo data signs records dated "
                + $"from {earliest:yyyy-MM-dd} on, and a record signed before its certificate's validity does not verify. Nothing was changed. "
                + "An earlier version made this Development certificate; this one makes it valid from two years back. Start the demo from an empty "
                + $".data folder (stop scripts/run.sh, delete .data/pg and .data/{RecordSigning.DevelopmentFileName}, then run scripts/run.sh --demo-data): "
                + "the records in the database were signed with the old certificate and no longer verify as trusted once it is gone.";
    }

    /// <summary>Prints each demo patient's status now and the count per status; the number of seeded patients whose status is not the story's.</summary>
    private static async Task<int> ReportAsync(IServiceProvider services, IReadOnlyList<DemoPatient> seeded)
    {
        using var scope = services.CreateScope();
        var registry = scope.ServiceProvider.GetRequiredService<PatientRegistry>();
        var consents = scope.ServiceProvider.GetRequiredService<PatientConsents>();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var superseded = 0;
        var wrong = 0;
        foreach (var patient in DemoPatients.All)
        {
            if (await registry.SearchAsync(new PatientSearchInput(patient.Mrn, 1), CancellationToken.None)
                    is not Outcome<PatientSearchResult>.Ok { Value.Patients: [var found] }
                || await consents.GetAsync(found.Id, CancellationToken.None) is not Outcome<PatientConsentsView>.Ok { Value: var view })
            {
                continue;
            }

            var status = view.Consents.Single(c => c.WorkflowId == patient.WorkflowId);
            superseded += status.Records.Count(r => r.State == ConsentStatus.Name(ConsentRecordState.Superseded));
            counts[status.Status] = counts.GetValueOrDefault(status.Status) + 1;
            var unexpected = seeded.Contains(patient) && status.Status != patient.Expected;
            wrong += unexpected ? 1 : 0;
            Console.WriteLine($"  {patient.Mrn}  {patient.Name,-20} {patient.WorkflowId,-24} {status.Status}"
                + (unexpected ? $"  PROBLEM: the story ends {patient.Expected}" : ""));
        }

        Console.WriteLine($"Statuses: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}; superseded records {superseded}.");
        return wrong;
    }
}
