using System.Security.Claims;
using Consent.Web.Identity;
using Consent.Web.SystemEvents;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Audit;
using Consent.Web.UseCases.Clinician;
using Consent.Web.UseCases.Sessions;

namespace Consent.Web.Api;

/// <summary>Consent sessions for staff: start, read, audit trail, and the clinician's actions (use cases in UseCases/Sessions, Clinician, Audit).</summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/sessions").WithTags("Sessions");
        group.MapPost("/", StartAsync).RequireAuthorization(Policies.Clinician)
            .WithMetadata(new SystemEvents.PatientDataReadAttribute(SystemEvents.SystemEventTypes.Reads.MrnConflict, SystemEvents.ReadSubject.Many)
            {
                ReadsByPost = true, ReadsOnConflictOnly = true,
            });
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.SessionList, ReadSubject.Many));
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.SessionDetail, ReadSubject.Session));
        group.MapGet("/{id:guid}/events", EventsAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.SessionEvents, ReadSubject.Session));
        group.MapPost("/{id:guid}/countersign", CountersignAsync).RequireAuthorization(Policies.Clinician);
        // multipart/form-data: scan (the file), signedOn, password, code, statementAccepted. Cookie callers pass the same-origin check.
        group.MapPost("/{id:guid}/paper", RecordPaperAsync).RequireAuthorization(Policies.Clinician)
            .DisableAntiforgery().WithMetadata(new Hosting.NonJsonBody());
        group.MapPost("/{id:guid}/questions/{questionId}/answer", AnswerQuestionAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/discussions", RecordDiscussionAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/staff-checks/{stepId}", RecordStaffCheckAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/checkin-decision", DecideCheckinAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/follow-up", FollowUpAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/void", VoidAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/reissue-link", ReissueLinkAsync).RequireAuthorization(Policies.Clinician);
    }

    /// <summary>The clinician's countersignature: password re-entry and the attestation.</summary>
    /// <summary>
    /// The countersignature. <paramref name="NameConfirmed"/> is needed when the patient signed under a
    /// name that is not the registered one: the clinician confirms the registered patient signed.
    /// </summary>
    /// <summary>The countersignature: the password, and the authenticator code on the sign-in's first signature (21 CFR 11.200(a)(1)).</summary>
    public sealed record CountersignInput(string? Password, bool? StatementAccepted, bool? NameConfirmed = null, string? Code = null);

    /// <summary>A clinician's answer to a patient's question.</summary>
    public sealed record AnswerInput(string? Answer);

    /// <summary>A check-in's staff-check values, by field id (numbers, or true/false).</summary>
    public sealed record StaffCheckInput(Dictionary<string, System.Text.Json.Nodes.JsonNode?>? Values);

    /// <summary>The clinician's decision on a held check-in, signed with the password: <c>cleared</c> or <c>not-today</c>, and why.</summary>
    public sealed record CheckinDecisionInput(string? Decision, string? Note, string? Password, string? Code = null);

    /// <summary>A note of the discussion the clinician had with the patient.</summary>
    public sealed record DiscussionInput(string? Note);

    /// <summary>What the clinician did to follow up a referral.</summary>
    public sealed record FollowUpInput(string? Note);

    /// <summary>Why a session is voided or consent withdrawn.</summary>
    public sealed record ReasonInput(string? Reason);

    internal static async Task<IResult> StartAsync(StartSession body, HttpContext http, SessionStarts starts, CancellationToken ct) =>
        SystemEvents.PatientDataReads.NamedInConflict(http, await starts.StartAsync(body, Caller.From(http), ct))
            .ToHttp(started => TypedResults.Created($"/api/v1/sessions/{started.Id}", started));

    internal static async Task<IResult> ListAsync(
        ClaimsPrincipal user, SessionReads reads, DateTimeOffset? from, DateTimeOffset? to, string? workflowId,
        string? status, string? mrn, int? limit, string? kind, CancellationToken ct) =>
        kind is not null && !SessionReads.Kinds.Contains(kind)
            ? (IResult)OutcomeResults.Invalid("kind", "The kind is consent or checkin.")
            : TypedResults.Ok(await reads.ListAsync(new SessionFilter(from, to, workflowId, status, mrn, limit, Kind: kind), user, ct));

    internal static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, SessionReads reads, CancellationToken ct) =>
        (await reads.DetailAsync(id, user, ct)).ToHttp();

    /// <remarks>An attachment named for the patient and the day of the last event (<see cref="SignedRecords.RecordFiles.DownloadName"/>), so a browser saves it.</remarks>
    internal static async Task<IResult> EventsAsync(
        Guid id, ClaimsPrincipal user, AuditTrail audit, SignedRecords.ClinicSettings clinic, HttpContext http, CancellationToken ct) =>
        (await audit.ChainAsync(id, user, ct)).ToHttp(chain =>
        {
            var lastAt = chain.Events.Count > 0 ? chain.Events[^1].At : chain.Session.CreatedAt;
            http.Response.Headers.CacheControl = "no-store";
            RecordsApi.Attachment(http, SignedRecords.RecordFiles.DownloadName(chain.Session.PatientName, lastAt, clinic.TimeZone, "EventChain", "json"));
            return TypedResults.Ok(chain.View());
        });

    internal static async Task<IResult> CountersignAsync(Guid id, CountersignInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.CountersignAsync(id, body.Password, body.StatementAccepted, Caller.From(http), ct, body.NameConfirmed, body.Code)).ToHttp();

    /// <summary>
    /// A consent signed on the paper form (ClinicianActions.RecordPaperAsync): the scan as multipart/form-data with the
    /// attestation's fields. At most 20 MB of scan; a larger upload is a 413 problem that reads no further.
    /// </summary>
    internal static async Task<IResult> RecordPaperAsync(Guid id, HttpContext http, ClinicianActions actions, CancellationToken ct)
    {
        const long limit = Consent.Records.PaperScans.MaxBytes + (256 * 1024);
        if (!await actions.ActsOnAsync(id, Caller.From(http), ct))
        {
            // Not the caller's session: "not found", whatever was sent, before any of it is read.
            return ((Outcome<Sessions.SessionWrite>)Missing.Session).ToHttp();
        }

        if (http.Request.ContentLength > limit)
        {
            return PaperTooLarge();
        }

        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(title: "Unsupported upload",
                detail: "Send the scan as multipart/form-data: scan (the file), signedOn, password, statementAccepted and, when asked, code.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        byte[]? scan = null;
        try
        {
            form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
            {
                MultipartBodyLengthLimit = limit, ValueCountLimit = 16, ValueLengthLimit = 4096,
            }, ct);
            if (form.Files.GetFile("scan") is { } file)
            {
                if (file.Length > Consent.Records.PaperScans.MaxBytes)
                {
                    return PaperTooLarge();
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, ct);
                scan = buffer.ToArray();
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            return RecordsApi.IsOverLimit(e)
                ? PaperTooLarge()
                : TypedResults.Problem(title: "Upload not readable", detail: "The upload could not be read: send it as multipart/form-data.",
                    statusCode: StatusCodes.Status400BadRequest);
        }

        var accepted = form["statementAccepted"].ToString() is { Length: > 0 } text ? bool.TryParse(text, out var yes) ? yes : (bool?)null : null;
        var upload = form.Files.GetFile("scan");
        return (await actions.RecordPaperAsync(id, scan, upload?.ContentType, upload?.FileName, form["signedOn"].ToString(),
            form["password"].ToString(), accepted, Caller.From(http), ct, form["code"].ToString() is { Length: > 0 } code ? code : null)).ToHttp();
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult PaperTooLarge() => TypedResults.Problem(title: "Scan too large",
        detail: "The scan is larger than 20 MB. Scan at a lower resolution, or in grey, and try again.", statusCode: StatusCodes.Status413PayloadTooLarge);

    internal static async Task<IResult> AnswerQuestionAsync(Guid id, string questionId, AnswerInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.AnswerQuestionAsync(id, questionId, body.Answer, Caller.From(http), ct)).ToHttp();

    internal static async Task<IResult> RecordStaffCheckAsync(
        Guid id, string stepId, StaffCheckInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.RecordStaffCheckAsync(id, stepId, body.Values, Caller.From(http), ct)).ToHttp();

    internal static async Task<IResult> DecideCheckinAsync(Guid id, CheckinDecisionInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.DecideCheckinAsync(id, body.Decision, body.Note, body.Password, Caller.From(http), ct, body.Code)).ToHttp();

    internal static async Task<IResult> RecordDiscussionAsync(Guid id, DiscussionInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.RecordDiscussionAsync(id, body.Note, Caller.From(http), ct)).ToHttp();

    internal static async Task<IResult> FollowUpAsync(Guid id, FollowUpInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.FollowUpReferralAsync(id, body.Note, Caller.From(http), ct)).ToHttp();

    internal static async Task<IResult> VoidAsync(Guid id, ReasonInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.VoidAsync(id, body.Reason, Caller.From(http), ct)).ToHttp();

    internal static async Task<IResult> WithdrawAsync(Guid id, ReasonInput body, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.WithdrawAsync(id, body.Reason, Caller.From(http), ct)).ToHttp();

    internal static async Task<IResult> ReissueLinkAsync(Guid id, HttpContext http, ClinicianActions actions, CancellationToken ct) =>
        (await actions.ReissueLinkAsync(id, Caller.From(http), ct)).ToHttp();
}
