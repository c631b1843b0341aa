using System.Security.Claims;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Consent.Web.Api;

/// <summary>Signed records: the signing certificate, downloads for staff and patients, the FHIR export and verification of an upload.</summary>
public static class RecordsApi
{
    /// <summary>Largest upload <c>POST /api/v1/records/verify</c> reads (<see cref="RecordCheck.MaxUploadBytes"/>).</summary>
    public const int MaxUploadBytes = RecordCheck.MaxUploadBytes;

    public static void MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var records = app.MapGroup("/api/v1/records").WithTags("Records");
        // Anyone who holds a record must be able to check whom it was signed by.
        records.MapGet("/certificate", Certificate).AllowAnonymous();
        // No Accepts metadata: it would filter by content type during routing, answering 415 before authorization.
        records.MapPost("/verify", VerifyAsync).RequireAuthorization(Policies.Auditor).DisableAntiforgery().WithMetadata(new Hosting.NonJsonBody())
            .WithDescription("Upload a record PDF as multipart/form-data (one file) or as an application/pdf body, at most 20 MB.");

        var sessions = app.MapGroup("/api/v1/sessions").WithTags("Records");
        sessions.MapGet("/{id:guid}/record.pdf", SessionRecordAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new SystemEvents.PatientDataReadAttribute(SystemEvents.SystemEventTypes.Reads.RecordPdf, SystemEvents.ReadSubject.Session));
        sessions.MapGet("/{id:guid}/fhir", FhirAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new SystemEvents.PatientDataReadAttribute(SystemEvents.SystemEventTypes.Reads.Fhir, SystemEvents.ReadSubject.Session));

        app.MapGroup("/api/v1/patient/{token}").WithTags("Patient").RequireRateLimiting(Hosting.RateLimits.Patient)
            .MapGet("/record.pdf", PatientRecordAsync).RequireAuthorization(Policies.Patient);
    }

    internal static IResult Certificate(RecordSigning signing) =>
        TypedResults.Text(signing.PublicPem + signing.PreviousPem, "application/x-pem-file");

    internal static async Task<IResult> SessionRecordAsync(
        Guid id, string? kind, ClaimsPrincipal user, ConsentDbContext db, StaffSessions sessions, ClinicSettings clinic, HttpContext http, CancellationToken ct)
    {
        if (await sessions.ReadableAsync(id, user, ct) is not { } session)
        {
            return OutcomeResults.NotFound(Missing.Session);
        }

        return await DownloadAsync(db, session, kind, clinic, http, ct);
    }

    /// <summary>An upload read failed because it was larger than allowed: Kestrel's body size limit, or the multipart reader's ("Multipart body length limit ... exceeded").</summary>
    internal static bool IsOverLimit(Exception e) =>
        e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
        || (e is InvalidDataException && e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Tells a browser to save the answer under <paramref name="fileName"/> (RFC 6266), with the
    /// UTF-8 form beside the plain one as <see cref="ContentDispositionHeaderValue"/> writes it.
    /// </summary>
    internal static void Attachment(HttpContext http, string fileName)
    {
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
    }

    internal static async Task<IResult> PatientRecordAsync(
        string token, string? kind, ClaimsPrincipal user, ConsentDbContext db, PatientAccessService access, ClinicSettings clinic, HttpContext http, CancellationToken ct)
    {
        if (await access.AuthorizedAsync(token, user, ct) is not { } session)
        {
            return OutcomeResults.Problem(PatientApi.VerifyAgain);
        }

        return await DownloadAsync(db, session, kind, clinic, http, ct);
    }

    /// <remarks>
    /// Sent as an attachment with a name a person can find again (<see cref="RecordFiles.DownloadName"/>):
    /// a browser saves it rather than showing raw JSON in the tab. API clients read the body as before.
    /// </remarks>
    internal static async Task<IResult> FhirAsync(
        Guid id, string? kind, ClaimsPrincipal user, ConsentDbContext db, StaffSessions sessions, RecordIssuer issuer, ClinicSettings clinic,
        UseCases.PatientRecords.PatientConsents consents, HttpContext http, CancellationToken ct)
    {
        if (await sessions.ReadableAsync(id, user, ct) is not { } session)
        {
            return OutcomeResults.NotFound(Missing.Session);
        }

        var (stored, problem) = await FindAsync(db, session, kind, ct);
        if (stored is null)
        {
            return problem!;
        }

        if (await NotInChainAsync(db, stored, http, ct) is { } refused)
        {
            return refused;
        }

        ConsentRecord? record;
        try
        {
            record = await issuer.DescribeAsync(session, stored, ct);
        }
        catch (UnverifiedChainException)
        {
            // Logged as an AUDIT ALERT by the issuer. A conflict of the stored data, not a fault of the server.
            return TypedResults.Problem(title: "Event log does not verify",
                detail: "This session's event log or its stored details were changed outside the service, so no FHIR Consent is built from them. "
                    + "Ask an auditor to run the audit.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (record is null)
        {
            return NotIssued(session, kind);
        }

        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(record, stored.Pdf, await consents.FhirOptionsAsync(session, record.Kind, ct)));
        http.Response.Headers.CacheControl = "no-store";
        Attachment(http, RecordFiles.DownloadName(session.PatientName, stored.IssuedAt, clinic.TimeZone, stored.Kind + "Fhir", "json"));
        return TypedResults.Text(json, "application/fhir+json", System.Text.Encoding.UTF8);
    }

    /// <remarks>
    /// Reads at most <see cref="MaxUploadBytes"/>: a larger body is a 413 problem, and whatever the bytes
    /// are the answer is a report, never a server error (the verifier does not throw on bad input).
    /// Antiforgery is off because the endpoint changes nothing; a forged request could only make an
    /// auditor's browser check a file.
    /// </remarks>
    internal static async Task<IResult> VerifyAsync(HttpContext http, RecordCheck check, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxUploadBytes + 64 * 1024)
        {
            return TooLarge();
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes + 64 * 1024;
        }

        var type = http.Request.ContentType;
        if (!http.Request.HasFormContentType && type is not null
            && !type.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(title: "Unsupported upload",
                detail: "Send the PDF as multipart/form-data (one file) or as an application/pdf request body.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        byte[]? pdf;
        try
        {
            pdf = http.Request.HasFormContentType ? await ReadFormFileAsync(http.Request, ct) : await ReadBodyAsync(http.Request.Body, ct);
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            // Kestrel's body size limit, or the multipart reader's ("Multipart body length limit ... exceeded").
            return IsOverLimit(e)
                ? TooLarge()
                : TypedResults.Problem(title: "Upload not readable", detail: "The upload could not be read: send the PDF as multipart/form-data or as an application/pdf body.",
                    statusCode: StatusCodes.Status400BadRequest);
        }

        if (pdf is null)
        {
            return TooLarge();
        }

        if (pdf.Length == 0)
        {
            return OutcomeResults.Invalid("file", "Upload a PDF: as multipart/form-data (one file) or as an application/pdf request body.");
        }

        return TypedResults.Ok(await check.CheckAsync(pdf, ct));
    }

    private static async Task<IResult> DownloadAsync(ConsentDbContext db, ConsentSession session, string? kind, ClinicSettings clinic, HttpContext http, CancellationToken ct)
    {
        var (stored, problem) = await FindAsync(db, session, kind, ct);
        if (stored is null)
        {
            return problem!;
        }

        if (await NotInChainAsync(db, stored, http, ct) is { } refused)
        {
            return refused;
        }

        // The file as it stands: as issued, with the long-term evidence added since (time-stamps, validation data).
        var (pdf, latest) = await http.RequestServices.GetRequiredService<RecordEvidenceStore>().CurrentAsync(stored, ct);

        // Personal health information: never kept by shared caches; the ETag lets a client see it has the same file.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(pdf, "application/pdf", RecordFiles.DownloadName(session.PatientName, stored.IssuedAt, clinic.TimeZone, stored.Kind, "pdf"),
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{latest?.Sha256 ?? stored.Sha256}\""));
    }

    /// <summary>The stored record of this kind (default: the latest issued), or the problem to answer.</summary>
    private static async Task<(StoredRecord? Record, IResult? Problem)> FindAsync(ConsentDbContext db, ConsentSession session, string? kind, CancellationToken ct)
    {
        if (kind is not null && !RecordFiles.TryParseKind(kind, out _))
        {
            return (null, OutcomeResults.Invalid("kind", $"kind is one of: {string.Join(", ", Enum.GetNames<RecordKind>())}."));
        }

        var normalized = kind is null ? null : RecordFiles.TryParseKind(kind, out var k) ? k.ToString() : null;
        var stored = await db.Records.AsNoTracking()
            .Where(r => r.SessionId == session.Id && (normalized == null || r.Kind == normalized))
            .OrderByDescending(r => r.IssuedAt).ThenByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct);
        return stored is null ? (null, NotIssued(session, kind)) : (stored, null);
    }

    /// <summary>
    /// Null when the session's chain names the stored record (<see cref="ChainedRecords"/>); otherwise, with
    /// an AUDIT ALERT, a 409: the file in its place was not issued by the service for this session (an
    /// outside review planted another patient's signed PDF there), and the session's own cannot be stored
    /// until an operator removes it. A conflict of the stored data, not a fault of the server.
    /// </summary>
    private static async Task<IResult?> NotInChainAsync(ConsentDbContext db, StoredRecord stored, HttpContext http, CancellationToken ct)
    {
        if (await ChainedRecords.IsNamedAsync(db, stored, ct))
        {
            return null;
        }

        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RecordsApi))
            .LogCritical("AUDIT ALERT: refused to serve a stored record: {Problem}.", ChainedRecords.Problem(stored));
        return TypedResults.Problem(title: "Record not in the audit trail",
            detail: $"The {stored.Kind} record stored for this session is not one its event log says was issued; it was stored outside the service and is not served. "
                + "Ask an auditor to run the audit.",
            statusCode: StatusCodes.Status409Conflict);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotIssued(ConsentSession session, string? kind) =>
        Enum.TryParse<Consent.Workflows.SessionStatus>(session.Status, out var status) && status is Consent.Workflows.SessionStatus.Voided or Consent.Workflows.SessionStatus.Expired
            ? TypedResults.Problem(title: "No record", detail: $"A {status} session has no signed record.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Problem(
                title: "No record yet",
                detail: $"No {kind ?? "signed"} record has been issued for this session (status {session.Status}). "
                    + "Records are issued shortly after a session is completed, declined, referred or withdrawn.",
                statusCode: StatusCodes.Status404NotFound);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge() => TypedResults.Problem(
        title: "File too large",
        detail: $"A consent record is never larger than {MaxUploadBytes / (1024 * 1024)} MB; this upload is.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    private static async Task<byte[]?> ReadFormFileAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = MaxUploadBytes, ValueCountLimit = 16 }, ct);
        var file = form.Files.Count > 0 ? form.Files[0] : null;
        if (file is null)
        {
            return [];
        }

        if (file.Length > MaxUploadBytes)
        {
            return null;
        }

        await using var stream = file.OpenReadStream();
        return await ReadBodyAsync(stream, ct);
    }

    /// <summary>The whole stream, or null when it is longer than <see cref="MaxUploadBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxUploadBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
