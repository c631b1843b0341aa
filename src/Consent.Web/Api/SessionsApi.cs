using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Records;
using Consent.Web.Sessions;
using Consent.Web.Workflows;
using Consent.Workflows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Api;

/// <summary>Consent sessions for staff: start, read, audit trail, and the clinician's actions.</summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/sessions").WithTags("Sessions");
        group.MapPost("/", StartAsync).RequireAuthorization(Policies.Clinician);
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.ClinicianOrAuditor);
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.ClinicianOrAuditor);
        group.MapGet("/{id:guid}/events", EventsAsync).RequireAuthorization(Policies.ClinicianOrAuditor);
        group.MapPost("/{id:guid}/countersign", CountersignAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/questions/{questionId}/answer", AnswerQuestionAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/discussions", RecordDiscussionAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/void", VoidAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/reissue-link", ReissueLinkAsync).RequireAuthorization(Policies.Clinician);
    }

    /// <summary>Start a session: which workflow, in which language, for whom.</summary>
    public sealed record StartSession(string? WorkflowId, int? WorkflowVersion, string? Language, PatientInput? Patient);

    /// <summary>The patient as the clinician enters them.</summary>
    public sealed record PatientInput(string? Name, string? DateOfBirth, string? Mrn, string? Email);

    /// <summary>The new session and the link to give the patient.</summary>
    public sealed record StartedSession(Guid Id, string Status, string PatientUrl, DateTimeOffset ExpiresAt);

    /// <summary>The clinician's countersignature: password re-entry and the attestation.</summary>
    public sealed record CountersignInput(string? Password, bool? StatementAccepted);

    /// <summary>A clinician's answer to a patient's question.</summary>
    public sealed record AnswerInput(string? Answer);

    /// <summary>A note of the discussion the clinician had with the patient.</summary>
    public sealed record DiscussionInput(string? Note);

    /// <summary>Why a session is voided or consent withdrawn.</summary>
    public sealed record ReasonInput(string? Reason);

    /// <summary>A new patient link after a lockout or expiry.</summary>
    public sealed record ReissuedLink(string PatientUrl, DateTimeOffset ExpiresAt);

    internal static async Task<IResult> StartAsync(
        StartSession body, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, WorkflowRegistry workflows,
        SessionWriter writer, PatientLinks links, Mail.PatientMail mail, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var (name, nameError) = TextInput.Clean(body.Patient?.Name, "patient.name", 200);
        if (nameError is not null)
        {
            errors["patient.name"] = [nameError];
        }

        if (!DateOnly.TryParseExact(body.Patient?.DateOfBirth ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob)
            || dob.Year < 1900 || dob > DateOnly.FromDateTime(DateTime.UtcNow))
        {
            errors["patient.dateOfBirth"] = ["A date of birth in the past, as YYYY-MM-DD, is required."];
        }

        var (mrn, mrnError) = TextInput.Clean(body.Patient?.Mrn, "patient.mrn", 64, required: false);
        if (mrnError is not null)
        {
            errors["patient.mrn"] = [mrnError];
        }

        var (email, emailError) = EmailInput.Clean(body.Patient?.Email, "patient.email", required: false);
        if (emailError is not null)
        {
            errors["patient.email"] = [emailError];
        }

        var approved = await db.WorkflowVersions.AsNoTracking()
            .Where(w => w.WorkflowId == body.WorkflowId && w.Approval == ApprovalState.Approved)
            .Where(w => body.WorkflowVersion == null || w.Version == body.WorkflowVersion)
            .OrderByDescending(w => w.Version)
            .FirstOrDefaultAsync(ct);
        var workflow = approved is null ? null : workflows.Find(approved.WorkflowId, approved.Version);
        if (workflow is null)
        {
            errors["workflowId"] = ["No approved workflow version with this id (and version) exists."];
        }
        else if (body.Language is null || !workflow.Definition.Languages.Contains(body.Language))
        {
            errors["language"] = [$"The language must be one of: {string.Join(", ", workflow.Definition.Languages)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var token = LinkTokens.Create();
        var session = new ConsentSession
        {
            Id = Guid.CreateVersion7(),
            WorkflowId = workflow!.Definition.Id,
            WorkflowVersion = workflow.Definition.Version,
            WorkflowHash = workflow.Hash,
            Language = body.Language!,
            PatientName = name!,
            PatientDateOfBirth = dob,
            PatientMrn = mrn,
            PatientEmail = email,
            LinkTokenHash = LinkTokens.Hash(token),
            CreatedBy = StaffAccess.UserId(user)!.Value,
        };
        mail.EnqueueInvitation(db, session, links.PatientUrl(http, token)); // saved with the session, or not at all
        var (created, state) = await writer.CreateAsync(session, workflow, PatientDigest(session), Actor.From(http, session.CreatedBy.ToString()), ct);
        mail.Wake();
        return TypedResults.Created($"/api/v1/sessions/{created.Id}",
            new StartedSession(created.Id, state.Status.ToString(), links.PatientUrl(http, token), created.ExpiresAt));
    }

    internal static async Task<IResult> ListAsync(
        ClaimsPrincipal user, ConsentDbContext db, DateTimeOffset? from, DateTimeOffset? to, string? workflowId,
        string? status, string? mrn, int? limit, CancellationToken ct)
    {
        var query = db.Sessions.AsNoTracking();
        if (!user.IsInRole(StaffRoles.Auditor))
        {
            var me = StaffAccess.UserId(user);
            query = query.Where(s => s.CreatedBy == me);
        }

        if (from is not null)
        {
            query = query.Where(s => s.CreatedAt >= from);
        }

        if (to is not null)
        {
            query = query.Where(s => s.CreatedAt < to);
        }

        if (!string.IsNullOrEmpty(workflowId))
        {
            query = query.Where(s => s.WorkflowId == workflowId);
        }

        if (!string.IsNullOrEmpty(status))
        {
            query = query.Where(s => s.Status == status);
        }

        if (!string.IsNullOrEmpty(mrn))
        {
            query = query.Where(s => s.PatientMrn == mrn);
        }

        var rows = await query.OrderByDescending(s => s.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 500))
            .Select(s => new SessionSummary(s.Id, s.Status, s.WorkflowId, s.WorkflowVersion, s.Language, s.PatientName, s.PatientMrn,
                s.CreatedAt, s.UpdatedAt, s.CompletedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    internal static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, ConsentDbContext db, SessionWriter writer, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null || !StaffAccess.CanRead(user, session))
        {
            return SessionResults.NotFound();
        }

        var state = await writer.StateAsync(writer.Workflow(session), session, ct);
        return TypedResults.Ok(SessionDetail.From(session, state));
    }

    internal static async Task<IResult> EventsAsync(Guid id, ClaimsPrincipal user, ConsentDbContext db, EventSeals seals, CancellationToken ct)
    {
        // One snapshot for the session row and its events: an event appended between two separate
        // reads (a record being issued) would otherwise make an honest chain look broken.
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null || !StaffAccess.CanRead(user, session))
        {
            return SessionResults.NotFound();
        }

        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == id).OrderBy(e => e.Seq).ToListAsync(ct);
        var check = await SignedChainHeads.VerifyAsync(db, session, events, seals, ct);
        return TypedResults.Ok(new EventChainView(check.Verified, check.BrokenAtSeq, check.Problem, check.LastHash, [.. events.Select(EventView.From)]));
    }

    internal static async Task<IResult> CountersignAsync(
        Guid id, CountersignInput body, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer,
        UserManager<StaffUser> users, SignInManager<StaffUser> signIn, CancellationToken ct)
    {
        if (await OwnedAsync(db, user, id, ct) is not { } session)
        {
            return SessionResults.NotFound();
        }

        if (body.StatementAccepted is not true)
        {
            return SessionResults.Invalid("statementAccepted", "The attestation must be accepted to countersign.");
        }

        // 21 CFR 11.200: the signature is executed with both components, the identity and the password.
        var staff = await users.GetUserAsync(user);
        if (staff is null || string.IsNullOrEmpty(body.Password)
            || !(await signIn.CheckPasswordSignInAsync(staff, body.Password, lockoutOnFailure: true)).Succeeded)
        {
            return SessionResults.Invalid("password", "The password is not correct (repeated failures lock the account).");
        }

        return SessionResults.ToHttp(await writer.ApplyAsync(session.Id, (_, _) => new Countersign(staff.Id.ToString(), true),
            Actor.From(http, staff.Id.ToString()), null, (_, state, events) => SessionResults.StepAnswer(state, events), ct));
    }

    internal static Task<IResult> AnswerQuestionAsync(
        Guid id, string questionId, AnswerInput body, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer, CancellationToken ct) =>
        ActWithTextAsync(body.Answer, "answer", 4000, id, user, http, db, writer, (answer, staffId) => new AnswerQuestion(questionId, answer, staffId), ct);

    internal static Task<IResult> RecordDiscussionAsync(
        Guid id, DiscussionInput body, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer, CancellationToken ct) =>
        ActWithTextAsync(body.Note, "note", 4000, id, user, http, db, writer, (note, staffId) => new RecordDiscussion(note, staffId), ct);

    internal static Task<IResult> VoidAsync(
        Guid id, ReasonInput body, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer, CancellationToken ct) =>
        ActWithTextAsync(body.Reason, "reason", 1000, id, user, http, db, writer, (reason, staffId) => new VoidSession(reason, staffId), ct);

    internal static Task<IResult> WithdrawAsync(
        Guid id, ReasonInput body, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer, CancellationToken ct) =>
        ActWithTextAsync(body.Reason, "reason", 1000, id, user, http, db, writer, (reason, staffId) => new Withdraw(reason, staffId), ct);

    internal static async Task<IResult> ReissueLinkAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer, PatientLinks links, Mail.PatientMail mail,
        TimeProvider clock, CancellationToken ct)
    {
        if (await OwnedAsync(db, user, id, ct) is not { } owned)
        {
            return SessionResults.NotFound();
        }

        var token = LinkTokens.Create();
        var staffId = StaffAccess.UserId(user)!.Value.ToString();
        var write = await writer.ApplyAsync(owned.Id,
            (session, _) =>
            {
                session.LinkTokenHash = LinkTokens.Hash(token);
                mail.EnqueueInvitation(db, session, links.PatientUrl(http, token)); // saved only if the reissue is accepted
                return new ReissueLink(clock.GetUtcNow().Add(writer.Workflow(session).Definition.InvitationValidFor), staffId);
            },
            Actor.From(http, staffId), null,
            (session, _, _) => new JsonObject { ["patientUrl"] = links.PatientUrl(http, token), ["expiresAt"] = session.ExpiresAt },
            ct);
        mail.Wake();
        return SessionResults.ToHttp(write);
    }

    /// <summary>A clinician's action that carries one free text (answer, note, reason): checked, then applied.</summary>
    /// <remarks>Ownership is checked before the text, so a session that is not yours is a 404 whatever you send.</remarks>
    private static async Task<IResult> ActWithTextAsync(
        string? text, string field, int maxLength, Guid id, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer,
        Func<string, string, SessionCommand> command, CancellationToken ct)
    {
        if (await OwnedAsync(db, user, id, ct) is null)
        {
            return SessionResults.NotFound();
        }

        var (clean, error) = TextInput.Clean(text, field, maxLength, multiline: true);
        return error is not null
            ? SessionResults.Invalid(field, error)
            : await ActAsync(id, user, http, db, writer, staffId => command(clean!, staffId), ct);
    }

    private static async Task<IResult> ActAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, ConsentDbContext db, SessionWriter writer, Func<string, SessionCommand> command, CancellationToken ct)
    {
        if (await OwnedAsync(db, user, id, ct) is not { } session)
        {
            return SessionResults.NotFound();
        }

        var staffId = StaffAccess.UserId(user)!.Value.ToString();
        return SessionResults.ToHttp(await writer.ApplyAsync(session.Id, (_, _) => command(staffId), Actor.From(http, staffId), null,
            (_, state, events) => SessionResults.StepAnswer(state, events), ct));
    }

    private static async Task<ConsentSession?> OwnedAsync(ConsentDbContext db, ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return session is not null && StaffAccess.CanAct(user, session) ? session : null;
    }

    /// <summary>Binds the chain to the patient's identity without putting personal data in the events.</summary>
    private static string PatientDigest(ConsentSession s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        ChainJson.Serialize(new JsonObject
        {
            ["dateOfBirth"] = s.PatientDateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["email"] = s.PatientEmail,
            ["mrn"] = s.PatientMrn,
            ["name"] = s.PatientName,
            ["sessionId"] = s.Id.ToString("D"),
        }))));
}
