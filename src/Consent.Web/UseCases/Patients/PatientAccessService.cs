using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Patients;

/// <summary>
/// How a patient gets in: the session behind a link, the date-of-birth check with its attempts and
/// lockout, and the ticket that opens the session afterwards. The patient pages and
/// <c>/api/v1/patient/{token}/…</c> both use it, so the rules are written once.
/// </summary>
/// <remarks>
/// A ticket opens one session through one link: it names the session and the link's hash, so a
/// ticket for session A never opens session B, and a reissued link revokes tickets of the old one.
/// </remarks>
public sealed class PatientAccessService(
    ConsentDbContext db, WorkflowRegistry workflows, SessionWriter writer, PatientPreviews previews, StaffSignInVerdicts verdicts, IDataProtectionProvider protection, TimeProvider clock,
    SystemEvents.SystemAudit audit)
{
    /// <summary>The reviewers' walk-throughs on the patient pages.</summary>
    public PatientPreviews Previews => previews;

    /// <summary>For a re-consent, the version the patient signed before (as its first event sealed it), to say what changed; else null.</summary>
    public WorkflowDefinition? SignedBefore(SessionState state) =>
        state.Supersedes is { } before && state.WorkflowId is { } id ? workflows.Find(id, before.Version)?.Definition : null;

    /// <summary>The number of attempts when the workflow's identity step names none.</summary>
    private const int DefaultMaxAttempts = 5;

    /// <summary>The session behind a link token, if the token is well formed and known.</summary>
    public async Task<ConsentSession?> FindAsync(string token, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return null;
        }

        var hash = LinkTokens.Hash(token);
        return await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.LinkTokenHash == hash, ct);
    }

    /// <summary>The session behind a link with its workflow and state, if the link names one that agrees with its chain.</summary>
    public async Task<PatientSession?> OpenAsync(string token, CancellationToken ct) =>
        await FindAsync(token, ct) is { } session ? await ReadAsync(session, ct) : null;

    /// <summary>
    /// A session with its workflow and its state now; null (with an AUDIT ALERT) when its row disagrees
    /// with its chain, so a row changed outside the service shows a patient nothing (Sessions/PatientBinding.cs).
    /// </summary>
    public async Task<PatientSession?> ReadAsync(ConsentSession session, CancellationToken ct)
    {
        var (workflow, state) = await writer.OpenAsync(session, ct);
        return writer.RefusedToPatient(session, state) is null ? new PatientSession(session, workflow, state) : null;
    }

    /// <summary>The session behind the link, when the patient's ticket opens it and its row agrees with its chain.</summary>
    public async Task<ConsentSession?> AuthorizedAsync(string token, ClaimsPrincipal user, CancellationToken ct) =>
        await FindAsync(token, ct) is { } session && Opens(user, session) && await ReadAsync(session, ct) is not null ? session : null;

    /// <summary>True when the patient's ticket names this very session and its current link.</summary>
    public static bool Opens(ClaimsPrincipal user, ConsentSession session) =>
        user.FindFirstValue(PatientAccess.SessionClaim) == session.Id.ToString("D")
        && user.FindFirstValue(PatientAccess.LinkClaim) == session.LinkTokenHash;

    /// <summary>
    /// The reviewer's preview behind a link token: only while it is open, and only for the staff member
    /// who started it, signed in now (the staff cookie, checked as every staff page checks it, so a
    /// sign-in ended since then opens nothing). Anyone else holding the link learns nothing.
    /// </summary>
    public async Task<Preview?> OpenPreviewAsync(string token, HttpContext http)
    {
        if (previews.Find(token) is not { } preview)
        {
            return null;
        }

        var staff = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!staff.Succeeded)
        {
            return null;
        }

        var now = await verdicts.CheckAsync(staff.Principal, () => db, http.RequestAborted);
        return now.IsInRole(StaffRoles.EthicsReviewer) && StaffAccess.UserId(now) == preview.Reviewer ? preview : null;
    }

    /// <summary>
    /// Checks the date of birth the patient gave: records the attempt (a failure counts towards the
    /// lockout, and a lockout goes on the system audit trail for the admins' alert digest) and, when it
    /// matches, issues the ticket. In a reviewer's preview the check is decided in
    /// memory and no ticket is issued: the preview opens to its reviewer's sign-in, not to a ticket.
    /// </summary>
    public async Task<Outcome<DateOfBirthCheck>> VerifyAsync(Guid sessionId, DateOnly dateOfBirth, Actor actor, CancellationToken ct, bool preview = false)
    {
        // The row's link and date of birth are what the patient is checked against; the writer opens
        // nothing to a patient from a row changed outside the service (SessionWriter.RefusedToPatient).
        var request = new SessionWriteRequest(sessionId, actor, locked => new VerifyIdentity(locked.Session.PatientDateOfBirth == dateOfBirth));
        var write = preview ? previews.Apply(request) : await writer.ApplyAsync(request, ct);
        if (write is not Outcome<SessionWrite>.Ok { Value: SessionWrite.Applied applied })
        {
            return write.Failure<DateOfBirthCheck>();
        }

        var verified = applied.Events.Any(e => e.Type == EventTypes.IdentityVerified);
        if (!preview && applied.Events.Any(e => e.Type == EventTypes.LinkLocked))
        {
            // Someone holding the link may be guessing the date of birth: onto the system trail, and from there into
            // the admins' alert digest (Alerts/AlertDigests.cs). The date tried is never recorded.
            audit.Record(SystemEvents.SystemEventTypes.PatientLinkLocked,
                new System.Text.Json.Nodes.JsonObject { ["failures"] = applied.State.Identity.Failures },
                applied.Session.PatientId, applied.Session.Id);
        }

        var maxAttempts = workflows.For(applied.Session).Definition.Steps.OfType<IdentityStep>().FirstOrDefault()?.MaxAttempts ?? DefaultMaxAttempts;
        return new DateOfBirthCheck(
            applied.Session,
            applied.State,
            verified && !preview ? PatientAccess.Issue(protection, applied.Session.Id, applied.Session.LinkTokenHash, clock.GetUtcNow()) : null,
            Math.Max(0, maxAttempts - applied.State.Identity.Failures));
    }
}

/// <summary>A patient's session as a page shows it: the row, its workflow and its state.</summary>
public sealed record PatientSession(ConsentSession Session, LoadedWorkflow Workflow, SessionState State);

/// <summary>What a date-of-birth check came to: a ticket when it matched; otherwise the attempts left, or a locked link.</summary>
public sealed record DateOfBirthCheck(ConsentSession Session, SessionState State, string? Ticket, int AttemptsLeft)
{
    public bool Locked => State.Identity.Locked;
}
