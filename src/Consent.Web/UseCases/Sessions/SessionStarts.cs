using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Mail;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Sessions;

/// <summary>A clinician starts a consent session on an approved workflow version (page and <c>POST /api/v1/sessions</c>).</summary>
public sealed class SessionStarts(
    ConsentDbContext db, WorkflowRegistry workflows, WorkflowApprovals approvals, SessionWriter writer, PatientLinks links, PatientMail mail)
{
    public async Task<Outcome<StartedSession>> StartAsync(StartSession input, Caller caller, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var (name, nameError) = TextInput.Clean(input.Patient?.Name, "patient.name", 200);
        if (nameError is not null)
        {
            errors["patient.name"] = [nameError];
        }

        if (!DateOnly.TryParseExact(input.Patient?.DateOfBirth ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob)
            || dob.Year < 1900 || dob > DateOnly.FromDateTime(DateTime.UtcNow))
        {
            errors["patient.dateOfBirth"] = ["A date of birth in the past, as YYYY-MM-DD, is required."];
        }

        var (mrn, mrnError) = TextInput.Clean(input.Patient?.Mrn, "patient.mrn", 64, required: false);
        if (mrnError is not null)
        {
            errors["patient.mrn"] = [mrnError];
        }

        var (email, emailError) = EmailInput.Clean(input.Patient?.Email, "patient.email", required: false);
        if (emailError is not null)
        {
            errors["patient.email"] = [emailError];
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
        else if (input.Language is null || !workflow.Definition.Languages.Contains(input.Language))
        {
            errors["language"] = [$"The language must be one of: {string.Join(", ", workflow.Definition.Languages)}."];
        }

        if (errors.Count > 0)
        {
            return new FieldErrors(errors);
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
            PatientName = name!,
            PatientDateOfBirth = dob,
            PatientMrn = mrn,
            PatientEmail = email,
            LinkTokenHash = LinkTokens.Hash(token),
            CreatedBy = caller.StaffId!.Value,
        };
        mail.EnqueueInvitation(db, session, patientUrl); // saved with the session, or not at all
        var (created, state) = await writer.CreateAsync(session, workflow, PatientBinding.Digest(session), caller.As(session.CreatedBy.ToString()), ct);
        mail.Wake();
        return new StartedSession(created.Id, state.Status.ToString(), patientUrl, created.ExpiresAt);
    }
}
