using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.UseCases;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>
/// One write to one session, everything <see cref="SessionWriter"/> needs in one record: which session,
/// who, and the single function that decides, under the row lock, which command to apply (or why not).
/// </summary>
/// <param name="LinkHash">With a patient's ticket: the session is found only while this is still its link.</param>
/// <param name="Idempotency">The request's key; a repeat gets the first answer back and records nothing.</param>
/// <param name="Answer">The body of the answer from the session, its new state and the new events; by default <see cref="StepAnswers.For"/>.</param>
public sealed record SessionWriteRequest(
    Guid SessionId,
    Actor Actor,
    Func<LockedSession, Outcome<SessionCommand>> Decide,
    string? LinkHash = null,
    Idempotency? Idempotency = null,
    Func<ConsentSession, SessionState, IReadOnlyList<ConsentEvent>, JsonObject>? Answer = null);

/// <summary>A session as the writer holds it under its row lock: the row, its workflow and its state now.</summary>
public sealed record LockedSession(ConsentSession Session, LoadedWorkflow Workflow, SessionState State);
