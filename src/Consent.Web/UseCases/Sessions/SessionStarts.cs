using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Mail;
using Consent.Web.Sessions;
using Consent.Web.UseCases.PatientRecords;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Sessions;

/// <summary>A clinician starts a consent session on an approved workflow version (page and <c>POST /api/v1/sessions</c>).</summary>
public sealed class SessionStarts(
    ConsentDbContext db, WorkflowRegistry workflows, WorkflowApprovals approvals, SessionWriter writer, PatientLinks links, PatientMail mail,
    PatientRegistry patients, PatientConsents consents, TimeProvider clock)
{
    /// <param name="input">What the clinician sent.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="supersedes">
    /// For a re-consent (<see cref="PatientRecords.PatientReconsent"/> only, never from the request body): the consent
    /// it replaces, sealed into the new session's first event.
    /// </param>
    /// <param name="checkin">
    /// For a dose-day check-in (<see cref="PatientRecords.PatientCheckins"/> only, after it checked the consent it relies on):
    /// the workflow must be a check-in; otherwise it must be a consent.
    /// </param>
    public async Task<Outcome<StartedSession>> StartAsync(StartSession input, Caller caller, CancellationToken ct, Supersedes? supersedes = null, bool checkin = false)
    {
        var errors = new Dictionary<string, string[]>();
        CleanPatientDetails? details = null;
        Patient? registered = null;
        if (input.PatientId is { } patientId)
        {
            if (input.Patient is not null)
            {
                errors["patient"] = ["Give either patientId or the patient's details, not both."];
            }
            else if ((registered = await patients.FindAsync(patientId, ct)) is null)
            {
                errors["patientId"] = ["No patient with this id is registered."];
            }
            else
            {
                details = new CleanPatientDetails(registered.Name, registered.DateOfBirth, registered.Mrn, registered.Email, registered.PreferredLanguage);
            }
        }
        else
        {
            var (checkedDetails, patientErrors) = PatientDetailsRules.Check(
                input.Patient is null ? null : new PatientDetailsInput(input.Patient.Name, input.Patient.DateOfBirth, input.Patient.Mrn, input.Patient.Email),
                "patient.", patients.Languages, patients.Today);
            details = checkedDetails;
            foreach (var (field, messages) in patientErrors)
            {
                errors[field] = messages;
            }
        }

        // The newest version an ethics decision the service sealed approves (WorkflowApprovals), not
        // merely one the approval column marks.
        var approved = input.WorkflowId is null ? null
            : (await approvals.ApprovedAsync(input.WorkflowId, ct)).FirstOrDefault(w => input.WorkflowVersion == null || w.Version == input.WorkflowVersion);
        var workflow = approved is null ? null : workflows.Find(approved.WorkflowId, approved.Version);
        if (workflow is null)
        {
            errors["workflowId"] = ["No approved workflow version with this id (and version) exists."];
        }
        else if (checkin && !workflow.Definition.IsCheckin)
        {
            errors["workflowId"] = [$"'{workflow.Definition.Id}' is a consent, not a dose-day check-in."];
        }
        else if (!checkin && workflow.Definition.IsCheckin)
        {
            // A check-in relies on a consent in force and is started for a registered patient, not as a consent.
            errors["workflowId"] = [$"'{workflow.Definition.Id}' is a dose-day check-in, not a consent: it is started as a check-in for a patient "
                + $"whose {workflow.Definition.Requires} consent is in force, not as a consent session."];
        }
        else if (input.Language is null || !workflow.Definition.Languages.Contains(input.Language))
        {
            errors["language"] = [$"The language must be one of: {string.Join(", ", workflow.Definition.Languages)}."];
        }

        var signers = Signers.PatientAlone;
        if (input.Representative is not null || input.Witness is not null || input.Interpreter is not null || input.Assent is not null)
        {
            if (checkin || workflow?.Definition.IsCheckin == true)
            {
                errors["signers"] = ["A dose-day check-in is the patient's own: a representative, witness or interpreter signs a consent."];
            }
            else
            {
                var clinician = caller.StaffId is { } staffId ? await db.Users.Where(u => u.Id == staffId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;
                signers = SignerRules.Check(input, details?.Name ?? input.Patient?.Name, clinician, errors);
            }
        }

        if (errors.Count > 0)
        {
            return new FieldErrors(errors);
        }

        // A check-in seals the consent it relies on into its first event, read here in the caller's transaction and under
        // its lock (PatientCheckins), so it is the consent PatientCheckins found in force; the check-in's signed record
        // names that consent's record by SHA-256 (docs/api.md, "Check-in records").
        ReliesOn? reliesOn = null;
        if (checkin)
        {
            var now = clock.GetUtcNow();
            var inForce = registered is null || workflow!.Definition.Requires is not { } requires ? null
                : ConsentStatus.Compute(await consents.SummariesAsync(registered.Id, now, ct), await consents.TermsAsync(ct), now)
                    .FirstOrDefault(s => s.WorkflowId == requires && s.Status is ConsentStatusKind.Valid or ConsentStatusKind.Expiring);
            if (inForce is not { SessionId: { } consentSession, Version: { } version, SignedAt: { } signedAt })
            {
                return new Refusal(RefusedAs.Conflict, "No consent in force",
                    $"A check-in relies on the patient's consent to {workflow!.Definition.Requires}, and none is in force. Obtain or renew the consent first.");
            }

            reliesOn = new ReliesOn(consentSession, version, signedAt, inForce.RecordSha256);
        }

        if (registered is null)
        {
            var found = await patients.FindOrRegisterAsync(details!, caller.StaffId!.Value, ct);
            if (found is not Outcome<Patient>.Ok { Value: var patient })
            {
                return found.Failure<StartedSession>();
            }

            registered = patient;
        }

        var token = LinkTokens.Create();
        var patientUrl = links.PatientUrl(caller.RequestBaseUrl, token);
        var session = new ConsentSession
        {
            Id = Guid.CreateVersion7(),
            WorkflowId = workflow!.Definition.Id,
            WorkflowVersion = workflow.Definition.Version,
            WorkflowHash = workflow.Hash,
            Language = input.Language!,
            PatientId = registered.Id,
            PatientName = details!.Name,
            PatientDateOfBirth = details.DateOfBirth,
            PatientMrn = details.Mrn,
            PatientEmail = details.Email,
            LinkTokenHash = LinkTokens.Hash(token),
            CreatedBy = caller.StaffId!.Value,
        };
        // A representative consents for a patient who cannot, so the patient is not sent the link: the clinician gives it to the
        // representative (or opens it on the clinic's device).
        if (signers.Representative is null)
        {
            mail.EnqueueInvitation(db, session, patientUrl); // saved with the session, or not at all
        }
        else if (!string.IsNullOrEmpty(signers.Representative.Email))
        {
            // The representative reads and signs on their own link: mailed to the address they gave, sealed in the first event.
            mail.EnqueueRepresentativeInvitation(db, session, patientUrl);
        }

        var (created, state) = await writer.CreateAsync(session, workflow, PatientBinding.Digest(session), caller.As(session.CreatedBy.ToString()), ct, supersedes, reliesOn,
            signers);
        mail.Wake();
        return new StartedSession(created.Id, state.Status.ToString(), patientUrl, created.ExpiresAt);
    }
}
