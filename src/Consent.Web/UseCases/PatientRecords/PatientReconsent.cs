using Consent.Web.Data;
using Consent.Web.UseCases.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>Ask the patient to consent again on the newest approved version (<c>POST /api/v1/patients/{id}/reconsent</c>).</summary>
/// <param name="WorkflowId">The workflow to consent to again.</param>
/// <param name="Language">The language of the form; by default the patient's preferred language, else that of the consent it replaces.</param>
public sealed record ReconsentInput(string? WorkflowId, string? Language = null);

/// <summary>
/// A re-consent: a new session for the patient on the newest approved version of a workflow they consented to,
/// which names the consent it replaces (its session, record SHA-256, version and signing time) in its first event.
/// The patient first sees what changed since that version (<see cref="WhatChanged"/>); the new record names the
/// record it supersedes, and once it is signed the old one counts as superseded (<see cref="ConsentStatus"/>).
/// </summary>
/// <remarks>
/// 21 CFR 50.25(b)(5) asks that significant new findings that may relate to the subject's willingness to continue
/// be given to the subject; a version marked <c>reconsent: required</c> is the clinic's ethics-approved statement
/// that its changes are such findings. A re-consent can also be started when the consent is still valid (say
/// before it expires), but only when one was signed: otherwise it is a first consent, started as usual.
/// </remarks>
public sealed class PatientReconsent(
    ConsentDbContext db, PatientRegistry patients, PatientConsents consents, WorkflowRegistry workflows, WorkflowApprovals approvals, SessionStarts starts,
    TimeProvider clock)
{
    private static readonly HashSet<ConsentStatusKind> Replaceable =
        [ConsentStatusKind.Valid, ConsentStatusKind.Expiring, ConsentStatusKind.ReconsentDue, ConsentStatusKind.Expired];

    public async Task<Outcome<StartedSession>> StartAsync(Guid patientId, ReconsentInput? input, Caller caller, CancellationToken ct)
    {
        if (await patients.FindAsync(patientId, ct) is not { } patient)
        {
            return new Missing("No such patient.");
        }

        var workflowId = input?.WorkflowId?.Trim();
        var newest = string.IsNullOrEmpty(workflowId) ? null : (await approvals.ApprovedAsync(workflowId, ct)).FirstOrDefault();
        if (newest is null)
        {
            return FieldErrors.One("workflowId", "No approved workflow version with this id exists.");
        }

        if (workflows.Find(newest.WorkflowId, newest.Version)?.Definition.IsCheckin == true)
        {
            return FieldErrors.One("workflowId", $"'{newest.WorkflowId}' is a dose-day check-in, not a consent: there is nothing to consent to again.");
        }

        var now = clock.GetUtcNow();
        var summaries = await consents.SummariesAsync(patientId, now, ct);
        var status = ConsentStatus.Compute(summaries, await consents.TermsAsync(ct), now).Single(s => s.WorkflowId == newest.WorkflowId);
        if (!Replaceable.Contains(status.Status) || status.SessionId is not { } sessionId || status.RecordSha256 is not { } sha
            || status.SignedAt is not { } signedAt || status.Version is not { } version)
        {
            return new Refusal(RefusedAs.Conflict, "Nothing to consent to again",
                $"The patient has no signed consent to {newest.WorkflowId} to replace (its status is {ConsentStatus.Name(status.Status)}, "
                + "or its record is not issued yet). Start a consent instead.");
        }

        // The language asked for (SessionStarts checks it), else the patient's preferred one when the form has it,
        // else the one they read the consent in.
        var offered = workflows.Find(newest.WorkflowId, newest.Version)!.Definition.Languages;
        if (newest.Version < version)
        {
            return new Refusal(RefusedAs.Conflict, "No newer version to consent to",
                $"The patient signed version {version} of {newest.WorkflowId}, and the newest approved version is {newest.Version}: "
                + "a re-consent never goes back to an older form.");
        }

        // One open session per workflow: several would each seal the consent in force when they began, and
        // the patient would get as many links.
        if (summaries.FirstOrDefault(s => s.WorkflowId == newest.WorkflowId
                && s.Status is SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign) is { } open)
        {
            return new Refusal(RefusedAs.Conflict, "A session is already open",
                $"Session {open.SessionId} on {newest.WorkflowId} is still open for this patient. Let the patient finish it, or void it first.",
                new Dictionary<string, object?> { ["sessionId"] = open.SessionId });
        }

        var language = input?.Language?.Trim() is { Length: > 0 } asked ? asked
            : patient.PreferredLanguage is { } preferred && offered.Contains(preferred) ? preferred
            : await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.Language).SingleAsync(ct);
        return await starts.StartAsync(
            new StartSession(newest.WorkflowId, newest.Version, language, null, patient.Id), caller, ct, new Supersedes(sessionId, sha, version, signedAt));
    }
}
