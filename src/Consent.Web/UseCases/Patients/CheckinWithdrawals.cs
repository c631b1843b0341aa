using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.UseCases.PatientRecords;
using Consent.Workflows;

namespace Consent.Web.UseCases.Patients;

/// <summary>
/// A patient withdraws their consent from a dose-day check-in: the check-in is where a patient who no longer
/// agrees is offered withdrawal "then and there" (issue 14; 21 CFR 50.25(a)(8): the subject "may discontinue
/// participation at any time without penalty"). The withdrawal is written to the chain of the consent the
/// check-in relies on, by the patient, exactly as a withdrawal from the consent's own link is.
/// </summary>
/// <remarks>
/// The patient proved who they are on the check-in's link (the date-of-birth check; the caller checks the
/// ticket opens the check-in), and the consent belongs to the same patient record, so no second check is
/// asked of them at a moment when they may be upset. The withdrawal names the check-in, so the consent's
/// chain says where it was made.
/// </remarks>
public sealed class CheckinWithdrawals(PatientConsents consents, SessionWriter writer, TimeProvider clock)
{
    /// <summary>
    /// The consent session a check-in relies on while it can still be withdrawn (its status valid or expiring),
    /// or null: the session is not a check-in, names no patient, or that consent is no longer in force.
    /// </summary>
    public async Task<Guid?> ConsentInForceAsync(ConsentSession checkin, WorkflowDefinition definition, CancellationToken ct) =>
        await ConsentAsync(checkin, definition, ct) is { Status: ConsentStatusKind.Valid or ConsentStatusKind.Expiring, SessionId: { } consentId }
            ? consentId : null;

    /// <summary>
    /// The status now of the consent a check-in relies on; null when the session is not a check-in, names no patient, or
    /// the patient's consent now is a later one than the check-in relied on (signed after it started): an old check-in's
    /// link never reaches a consent signed since.
    /// </summary>
    public async Task<WorkflowConsentStatus?> ConsentAsync(ConsentSession checkin, WorkflowDefinition definition, CancellationToken ct)
    {
        if (!definition.IsCheckin || definition.Requires is not { } requires || checkin.PatientId == Guid.Empty)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var status = ConsentStatus.Compute(await consents.SummariesAsync(checkin.PatientId, now, ct), await consents.TermsAsync(ct), now)
            .FirstOrDefault(s => s.WorkflowId == requires);
        return status?.SignedAt > checkin.CreatedAt ? null : status;
    }

    /// <summary>Withdraws the consent <paramref name="checkin"/> relies on, as the patient; Missing when none is in force.</summary>
    public async Task<Outcome<SessionWrite>> WithdrawAsync(
        PatientRequest request, ConsentSession checkin, WorkflowDefinition definition, string? reason, CancellationToken ct)
    {
        if (request.SessionId != checkin.Id)
        {
            throw new ArgumentException("The request is for another session than the check-in.", nameof(request));
        }

        if (await ConsentInForceAsync(checkin, definition, ct) is not { } consentId)
        {
            return new Missing("There is no consent in force to withdraw.");
        }

        var said = reason?.Trim() is { Length: > 0 } given ? " " + given : "";
        var recorded = $"Withdrawn at dose-day check-in {checkin.Id}.{said}";
        return await writer.ApplyAsync(new SessionWriteRequest(consentId, request.Actor, _ => new Withdraw(recorded, Actor.Patient),
            null, request.IdempotencyFor(new JsonObject { ["withdrawAt"] = checkin.Id.ToString(), ["reason"] = reason })), ct);
    }
}
