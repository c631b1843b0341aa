using System.Text.Json.Nodes;
using Consent.Web.Sessions;

namespace Consent.Web.UseCases.Patients;

/// <summary>
/// A patient's write, as the page or endpoint received it: which session, through which link (an API
/// ticket's; a page has already checked its ticket), who, and how the transport turns the body into
/// an idempotency key (a header for the API, a hidden field for a page form).
/// </summary>
/// <param name="Preview">A reviewer's walk-through on the patient pages (<see cref="PatientPreviews"/>): decided in memory, nothing written. Only pages set it.</param>
public sealed record PatientRequest(Guid SessionId, string? LinkHash, Actor Actor, Func<JsonObject, Idempotency?> IdempotencyFor, bool Preview = false);
