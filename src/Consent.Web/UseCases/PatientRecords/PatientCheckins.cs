using Consent.Web.Data;
using Consent.Web.UseCases.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>Start a dose-day check-in (<c>POST /api/v1/patients/{id}/checkins</c>).</summary>
/// <param name="WorkflowId">The check-in workflow, e.g. <c>ketamine-iv-dose-checkin</c>.</param>
/// <param name="Language">The language of the questions; by default the patient's preferred language when the check-in has it, else its first.</param>
public sealed record StartCheckinInput(string? WorkflowId, string? Language = null);

/// <summary>
/// A dose-day check-in: a short session on a <c>kind: checkin</c> workflow for a patient whose consent to the workflow it
/// <c>requires</c> is in force (<c>valid</c> or <c>expiring</c>). It answers like a session start (an id and a patient link);
/// the patient answers on the same patient endpoints, staff enter their checks and, when it is held, decide it
/// (<see cref="Clinician.ClinicianActions"/>). The consent gate reads its outcome (<see cref="ConsentGate"/>).
/// </summary>
public sealed class PatientCheckins(
    ConsentDbContext db, PatientRegistry patients, PatientConsents consents, WorkflowRegistry workflows, WorkflowApprovals approvals, SessionStarts starts,
    TimeProvider clock)
{
    private static readonly HashSet<ConsentStatusKind> InForce = [ConsentStatusKind.Valid, ConsentStatusKind.Expiring];

    public async Task<Outcome<StartedSession>> StartAsync(Guid patientId, StartCheckinInput? input, Caller caller, CancellationToken ct)
    {
        if (await patients.FindAsync(patientId, ct) is not { } patient)
        {
            return new Missing("No such patient.");
        }

        var workflowId = input?.WorkflowId?.Trim();
        var newest = string.IsNullOrEmpty(workflowId) ? null : (await approvals.ApprovedAsync(workflowId, ct)).FirstOrDefault();
        var workflow = newest is null ? null : workflows.Find(newest.WorkflowId, newest.Version);
        if (workflow is null || newest is null)
        {
            return FieldErrors.One("workflowId", "No approved workflow version with this id exists.");
        }

        if (!workflow.Definition.IsCheckin || workflow.Definition.Requires is not { } requires)
        {
            return FieldErrors.One("workflowId", $"'{workflow.Definition.Id}' is a consent, not a dose-day check-in: start it with POST /api/v1/sessions.");
        }

        // One check-in at a time per patient and workflow, decided under a lock as re-consent is (PatientReconsent).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"checkin/" + patientId + "/" + workflow.Definition.Id}, 0))", ct);
        var now = clock.GetUtcNow();
        var consent = ConsentStatus.Compute(await consents.SummariesAsync(patientId, now, ct), await consents.TermsAsync(ct), now)
            .FirstOrDefault(s => s.WorkflowId == requires);
        if (consent is null || !InForce.Contains(consent.Status))
        {
            var status = consent is null ? "none" : ConsentStatus.Name(consent.Status);
            return new Refusal(RefusedAs.Conflict, "No consent in force",
                $"A check-in relies on the patient's consent to {requires}, and its status is {status}"
                + (consent is null ? "." : $": {consent.Reason}") + " Obtain or renew the consent first.",
                new Dictionary<string, object?> { ["consentStatus"] = status });
        }

        var open = await db.Sessions.AsNoTracking()
            .Where(s => s.PatientId == patientId && s.WorkflowId == workflow.Definition.Id
                && (((s.Status == nameof(SessionStatus.Invited) || s.Status == nameof(SessionStatus.InProgress)) && s.ExpiresAt > now)
                    || s.Status == nameof(SessionStatus.Held)))
            .Select(s => new { s.Id, s.Status }).FirstOrDefaultAsync(ct);
        if (open is not null)
        {
            // A held check-in stands until a clinician decides it (signed): a new check-in must not step around a hold
            // such as thoughts of self-harm, and the gate reads the latest check-in.
            return new Refusal(RefusedAs.Conflict, open.Status == nameof(SessionStatus.Held) ? "A held check-in is not decided" : "A check-in is already open",
                open.Status == nameof(SessionStatus.Held)
                    ? $"Check-in {open.Id} is held and needs a clinician's decision (cleared after a discussion, or not today) before another check-in can start. The clinician who started it decides it on its page."
                    : $"Check-in {open.Id} is still open for this patient. Let the patient finish it, or void it first.",
                new Dictionary<string, object?> { ["sessionId"] = open.Id });
        }

        var offered = workflow.Definition.Languages;
        var language = input?.Language?.Trim() is { Length: > 0 } asked ? asked
            : patient.PreferredLanguage is { } preferred && offered.Contains(preferred) ? preferred
            : offered[0];
        var started = await starts.StartAsync(new StartSession(workflow.Definition.Id, workflow.Definition.Version, language, null, patient.Id), caller, ct,
            checkin: true);
        if (started is Outcome<StartedSession>.Ok)
        {
            await transaction.CommitAsync(ct);
        }

        return started;
    }
}
