using System.Text.Json.Nodes;
using Consent.Web.Sessions;
using Consent.Workflows;

namespace Consent.Web.UseCases.Patients;

/// <summary>
/// What a patient does once in: answer the current step, ask a question, decline, withdraw. The
/// patient pages and <c>/api/v1/patient/{token}/…</c> both call these.
/// </summary>
/// <remarks>
/// What the patient sent is checked after the session is locked through the ticket's link, so a
/// stranger learns nothing from a 400.
/// </remarks>
public sealed class PatientActions(SessionWriter writer, PatientPreviews previews)
{
    /// <summary>The longest Idempotency-Key the API keeps.</summary>
    public const int MaxKeyLength = 100;

    /// <summary>A step's answer: <paramref name="body"/> as sent, or null with <paramref name="bodyError"/> saying why it could not be read.</summary>
    public Task<Outcome<SessionWrite>> SubmitStepAsync(PatientRequest request, string stepId, JsonObject? body, string? bodyError, CancellationToken ct)
    {
        var key = body is null ? null : request.IdempotencyFor(body);
        var keyTooLong = key is { Key.Length: > MaxKeyLength };
        return ApplyAsync(request, new SessionWriteRequest(request.SessionId, request.Actor, locked =>
        {
            if (body is null)
            {
                return bodyError!.StartsWith("Send the body", StringComparison.Ordinal)
                    ? new Refusal(RefusedAs.UnsupportedMediaType, "Unsupported media type", bodyError)
                    : Invalid(bodyError);
            }

            if (locked.Workflow.Definition.FindStep(stepId) is not { } step)
            {
                return new Refusal(RefusedAs.NotFound, "Not found", $"This workflow has no step '{Shorten(stepId)}'.");
            }

            var (command, error) = StepSubmissions.Read(step, body, locked.Session.PatientName);
            return command is null ? Invalid(error!)
                : keyTooLong ? Invalid($"The Idempotency-Key header is longer than {MaxKeyLength} characters.")
                : command;
        }, request.LinkHash, keyTooLong ? null : key), ct);
    }

    /// <summary>"I do not consent", with an optional reason.</summary>
    public Task<Outcome<SessionWrite>> DeclineAsync(PatientRequest request, string? reason, CancellationToken ct)
    {
        var (clean, error) = TextInput.Clean(reason, "reason", 2000, required: false, multiline: true);
        return ApplyAsync(request, new SessionWriteRequest(request.SessionId, request.Actor,
            _ => error is null ? new Decline(clean) : FieldErrors.One("reason", error),
            request.LinkHash, request.IdempotencyFor(new JsonObject { ["decline"] = clean })), ct);
    }

    /// <summary>A question for the clinician, from whatever step the patient is on.</summary>
    public Task<Outcome<SessionWrite>> AskAsync(PatientRequest request, string? question, CancellationToken ct)
    {
        var (clean, error) = TextInput.Clean(question, "question", 2000, multiline: true);
        return ApplyAsync(request, new SessionWriteRequest(request.SessionId, request.Actor,
            locked => error is null ? new AskQuestion(locked.State.CurrentStep?.Id, clean!) : FieldErrors.One("question", error),
            request.LinkHash, request.IdempotencyFor(new JsonObject { ["question"] = clean })), ct);
    }

    /// <summary>The patient withdraws a completed consent; the withdrawal gets its own record.</summary>
    public Task<Outcome<SessionWrite>> WithdrawAsync(PatientRequest request, string? reason, CancellationToken ct) =>
        ApplyAsync(request, new SessionWriteRequest(request.SessionId, request.Actor, _ => new Withdraw(reason ?? "", Actor.Patient),
            request.LinkHash, request.IdempotencyFor(new JsonObject { ["withdraw"] = reason })), ct);

    /// <summary>The write to the session, or to the reviewer's preview in memory (<see cref="PatientPreviews.Apply"/>).</summary>
    private Task<Outcome<SessionWrite>> ApplyAsync(PatientRequest request, SessionWriteRequest write, CancellationToken ct) =>
        request.Preview ? Task.FromResult(previews.Apply(write)) : writer.ApplyAsync(write, ct);

    private static Refusal Invalid(string reason) => new(RefusedAs.Invalid, "Invalid request", reason);

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
