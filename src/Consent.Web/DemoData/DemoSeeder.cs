using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Outbox;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Clinician;
using Consent.Web.UseCases.PatientRecords;
using Consent.Web.UseCases.Patients;
using Consent.Web.UseCases.Sessions;
using Consent.Workflows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.DemoData;

/// <summary>
/// Plays the stories of <see cref="DemoPatients"/> through the use cases the pages and the API call: the demo
/// clinician registers the patient and starts sessions (<see cref="PatientRegistry"/>, <see cref="SessionStarts"/>,
/// <see cref="PatientReconsent"/>), the patient confirms their date of birth and answers each step
/// (<see cref="PatientAccessService"/>, <see cref="PatientActions"/>), the clinician countersigns with the demo
/// password, records discussions, follow-ups and withdrawals (<see cref="ClinicianActions"/>), and the outbox issues
/// and signs the records. Every event is sealed and chained as in normal use; nothing is written behind them.
/// </summary>
/// <remarks>
/// Each act runs with the <see cref="DemoClock"/> set to its moment in the past, all acts in time order, so a chain's
/// events, its records' signing times and the outbox jobs carry the dates of the story. Events record the user agent
/// <see cref="UserAgent"/>, so an auditor can tell seeded sessions from real ones.
/// </remarks>
public sealed class DemoSeeder(IServiceProvider services, DemoClock clock, string clinicianPassword, string baseUrl)
{
    /// <summary>The browser the seeded events record.</summary>
    public const string UserAgent = "Consent seed-demo-data (demo data, not a patient)";

    /// <summary>The demo clinician who starts every demo session.</summary>
    public const string ClinicianEmail = "clinician@example.org";

    private static readonly JsonArray Strokes = [new JsonArray(new JsonArray(8, 40), new JsonArray(40, 12), new JsonArray(75, 44), new JsonArray(130, 18))];

    private readonly Dictionary<string, Guid> patientIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid> latestSession = new(StringComparer.Ordinal);

    /// <summary>Links of the sessions left open, to go on with as the patient: MRN, date of birth, link, until when it works.</summary>
    public List<(string Mrn, DateOnly DateOfBirth, string Url, DateTimeOffset ExpiresAt)> OpenLinks { get; } = [];

    private DemoClock Clock => clock;

    private string ClinicianPassword => clinicianPassword;

    /// <summary>Seeds every demo patient whose MRN is not registered yet; the MRNs of those that were.</summary>
    public async Task<(IReadOnlyList<DemoPatient> Seeded, IReadOnlyList<DemoPatient> Skipped)> SeedAsync(CancellationToken ct)
    {
        var existing = await ExistingMrnsAsync(ct);
        var seeded = DemoPatients.All.Where(p => !existing.Contains(p.Mrn)).ToList();
        var start = clock.GetUtcNow();
        var story = seeded
            .Select(p => (At: start - p.RegisteredAgo, Patient: p, Act: (DemoAct?)null))
            .Concat(seeded.SelectMany(p => p.Acts.Select(a => (At: start - a.Ago, Patient: p, Act: (DemoAct?)a))))
            .OrderBy(s => s.At)
            .ToList();
        if (story.Count > 0)
        {
            clock.StartAt(story[0].At);
        }

        foreach (var (at, patient, act) in story)
        {
            clock.MoveTo(at);
            using var scope = services.CreateScope();
            var play = new Play(scope.ServiceProvider, await ClinicianAsync(scope.ServiceProvider, ct), this, patient);
            await (act is null ? play.RegisterAsync(ct) : play.RunAsync(act, ct));
            await DrainOutboxAsync(ct);
        }

        clock.Reset();
        await DrainOutboxAsync(ct);
        return (seeded, [.. DemoPatients.All.Where(p => existing.Contains(p.Mrn))]);
    }

    /// <summary>The demo MRNs already registered.</summary>
    public async Task<HashSet<string>> ExistingMrnsAsync(CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return (await db.Patients.AsNoTracking().Where(p => p.Mrn != null && p.Mrn.StartsWith(DemoPatients.MrnPrefix)).Select(p => p.Mrn!).ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Runs the due outbox jobs (record issuing, expiring links) now, as the service's worker would.</summary>
    private async Task DrainOutboxAsync(CancellationToken ct)
    {
        var worker = services.GetRequiredService<OutboxWorker>();
        for (var i = 0; i < 200 && await worker.RunOneAsync(ct); i++)
        {
        }
    }

    /// <summary>The demo clinician as a signed-in request carries them.</summary>
    private async Task<Caller> ClinicianAsync(IServiceProvider scoped, CancellationToken ct)
    {
        var users = scoped.GetRequiredService<StaffUserManager>();
        var clinician = await users.FindByEmailAsync(ClinicianEmail)
            ?? throw new InvalidOperationException($"The demo clinician {ClinicianEmail} does not exist.");
        var signedIn = await scoped.GetRequiredService<SignInManager<StaffUser>>().CreateUserPrincipalAsync(clinician);
        // A sign-in of its own, as a request's is (StaffSignIns): its start bounds its life, and its first signature is recorded.
        ((System.Security.Claims.ClaimsIdentity)signedIn.Identity!).AddClaims(await scoped.GetRequiredService<StaffSignIns>().StartAsync(clinician, secondFactor: false));
        // The roles, as every request gets them (StaffSignInCheck): from the account as it stands, not from the sign-in.
        var principal = await scoped.GetRequiredService<StaffSignInVerdicts>().CheckAsync(signedIn, scoped.GetRequiredService<ConsentDbContext>, ct);
        return new Caller(principal, null, UserAgent, baseUrl);
    }

    private static T Ok<T>(Outcome<T> outcome, string what) => outcome is Outcome<T>.Ok { Value: var value } ? value
        : throw new InvalidOperationException($"Demo data: {what} failed: {outcome switch
        {
            Outcome<T>.Invalid invalid => string.Join(" ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            Outcome<T>.Refused refused => refused.Refusal.Reason,
            Outcome<T>.NotFound missing => missing.Detail ?? "not found",
            _ => outcome.ToString(),
        }}");

    /// <summary>One act of one patient's story, in one scope (as one request would be).</summary>
    private sealed class Play(IServiceProvider scoped, Caller clinician, DemoSeeder seeder, DemoPatient patient)
    {
        private readonly Actor patientActor = new(Actor.Patient, null, UserAgent);

        public async Task RegisterAsync(CancellationToken ct)
        {
            var registered = Ok(await scoped.GetRequiredService<PatientRegistry>().RegisterAsync(
                new PatientDetailsInput(patient.Name, patient.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), patient.Mrn, null, patient.Language),
                clinician, ct), $"registering {patient.Mrn}");
            seeder.patientIds[patient.Mrn] = registered.Id;
        }

        public async Task RunAsync(DemoAct act, CancellationToken ct)
        {
            var clinicians = scoped.GetRequiredService<ClinicianActions>();
            switch (act)
            {
                case DemoConsent consent:
                    var started = Ok(await scoped.GetRequiredService<SessionStarts>().StartAsync(
                        new StartSession(consent.WorkflowId, consent.Version, patient.Language ?? "en", null, seeder.patientIds[patient.Mrn]), clinician, ct),
                        $"starting {consent.WorkflowId} for {patient.Mrn}");
                    await TakeAsync(started, consent.Ending, consent.YesTo, ct);
                    break;
                case DemoReconsent again:
                    var restarted = Ok(await scoped.GetRequiredService<PatientReconsent>().StartAsync(
                        seeder.patientIds[patient.Mrn], new ReconsentInput(again.WorkflowId), clinician, ct), $"re-consent of {patient.Mrn}");
                    await TakeAsync(restarted, again.Ending, null, ct);
                    break;
                case DemoWithdrawal withdrawal:
                    Ok(await clinicians.WithdrawAsync(seeder.latestSession[patient.Mrn], withdrawal.Reason, clinician, ct), $"withdrawal of {patient.Mrn}");
                    break;
                case DemoFollowUp followUp:
                    Ok(await clinicians.FollowUpReferralAsync(seeder.latestSession[patient.Mrn], followUp.Note, clinician, ct), $"follow-up of {patient.Mrn}");
                    break;
                default:
                    throw new InvalidOperationException($"Unknown demo act {act}.");
            }
        }

        /// <summary>The patient's part of a session, then the clinician's countersignature when the story says so.</summary>
        private async Task TakeAsync(StartedSession started, DemoEnding ending, string? yesTo, CancellationToken ct)
        {
            seeder.latestSession[patient.Mrn] = started.Id;
            if (ending == DemoEnding.Invited)
            {
                seeder.OpenLinks.Add((patient.Mrn, patient.DateOfBirth, started.PatientUrl, started.ExpiresAt));
                return;
            }

            var access = scoped.GetRequiredService<PatientAccessService>();
            var token = PatientLinks.TokenOf(started.PatientUrl)!;
            seeder.Clock.Advance(TimeSpan.FromMinutes(20)); // the patient opens the link a while later
            var check = Ok(await access.VerifyAsync(started.Id, patient.DateOfBirth, patientActor, ct), $"date-of-birth check of {patient.Mrn}");
            if (check.Ticket is null)
            {
                throw new InvalidOperationException($"Demo data: the date of birth of {patient.Mrn} was not accepted.");
            }

            var request = new PatientRequest(started.Id, LinkTokens.Hash(token), patientActor, _ => null);
            var actions = scoped.GetRequiredService<PatientActions>();
            for (var answered = 0; ; answered++)
            {
                var open = await access.OpenAsync(token, ct) ?? throw new InvalidOperationException($"Demo data: the session of {patient.Mrn} does not open.");
                if (open.State.Status != SessionStatus.InProgress || open.State.CurrentStep is not { } step)
                {
                    break;
                }

                if (ending == DemoEnding.InProgress && answered == 4)
                {
                    seeder.OpenLinks.Add((patient.Mrn, patient.DateOfBirth, started.PatientUrl, started.ExpiresAt));
                    return;
                }

                seeder.Clock.Advance(TimeSpan.FromMinutes(2));
                if (ending == DemoEnding.Declined && step is DisclosureStep && answered >= 4)
                {
                    Ok(await actions.DeclineAsync(request, "I would rather not go on with this treatment for now.", ct), $"decline of {patient.Mrn}");
                    return;
                }

                if (step is SignatureStep && open.State.OpenHolds.Any())
                {
                    Ok(await scoped.GetRequiredService<ClinicianActions>().RecordDiscussionAsync(started.Id,
                        "Talked it through by phone: a family member will drive the patient home after each session.", clinician, ct),
                        $"discussion with {patient.Mrn}");
                    continue;
                }

                Ok(await actions.SubmitStepAsync(request, step.Id, Answer(step, open.Session.Language, yesTo), null, ct), $"step {step.Id} of {patient.Mrn}");
            }

            var ended = await access.OpenAsync(token, ct);
            var expected = ending switch
            {
                DemoEnding.Referred => SessionStatus.Referred,
                _ => SessionStatus.AwaitingCountersign,
            };
            if (ended?.State.Status != expected)
            {
                throw new InvalidOperationException($"Demo data: the session of {patient.Mrn} ended {ended?.State.Status}, not {expected}.");
            }

            if (ending == DemoEnding.AwaitingCountersign)
            {
                return;
            }

            if (ending == DemoEnding.Countersigned)
            {
                seeder.Clock.Advance(TimeSpan.FromMinutes(15)); // the clinician countersigns after seeing the patient
                Ok(await scoped.GetRequiredService<ClinicianActions>().CountersignAsync(started.Id, seeder.ClinicianPassword, true, clinician, ct),
                    $"countersignature for {patient.Mrn}");
            }
        }

        /// <summary>What a careful patient sends for a step: no to every screening question but <paramref name="yesTo"/>, every quiz answer right.</summary>
        private JsonObject Answer(StepDefinition step, string language, string? yesTo) => step switch
        {
            QuestionsStep questions => new JsonObject
            {
                ["answers"] = new JsonObject(questions.Questions.Select(q => KeyValuePair.Create(q.Id, (JsonNode?)(q.Kind switch
                {
                    QuestionKind.YesNo => JsonValue.Create(q.Id == yesTo),
                    QuestionKind.SingleChoice => JsonValue.Create(q.Options[0].Value),
                    _ => JsonValue.Create("none"),
                })))),
            },
            DisclosureStep disclosure => new JsonObject
            {
                ["acknowledged"] = true,
                ["contentHash"] = ContentHashes.For(disclosure, language),
                ["initials"] = disclosure.Acknowledge == AcknowledgeMethod.Initials ? Initials(patient.Name) : null,
            },
            ComprehensionStep quiz => new JsonObject
            {
                ["answers"] = new JsonObject(quiz.Questions.Select(q => KeyValuePair.Create(q.Id, (JsonNode?)JsonValue.Create(q.Answer)))),
            },
            AskStep => new JsonObject { ["done"] = true },
            StopStep => new JsonObject { ["confirm"] = true },
            SignatureStep => new JsonObject { ["fullName"] = patient.Name, ["certify"] = true, ["strokes"] = Strokes.DeepClone() },
            _ => throw new InvalidOperationException($"Demo data: no patient answer for a {step.Type} step."),
        };

        private static string Initials(string name) => string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w[0]));
    }
}
