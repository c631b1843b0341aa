using Consent.Web.SignedRecords;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages;

/// <summary>
/// The public check page every record's QR code points to (<c>/check</c>, no sign-in): upload a
/// record PDF and see the offline <c>verify-record</c> report of it and whether this service issued
/// it, or enter a SHA-256 and learn only whether this service issued a record with that digest.
/// Nothing else about any record, session or patient is shown (21 CFR 11.10(a)/(b): a record's
/// holder can check it is an accurate and complete copy of what was issued).
/// </summary>
/// <remarks>
/// Posted checks are limited per client address (<see cref="PageRateLimits.RecordCheck"/>). The form
/// carries an antiforgery token, validated here by hand rather than by the page convention: the
/// convention reads the whole form first, so an oversize upload would come back as the empty page
/// instead of saying it is too large. The size is checked before a byte of the body is read.
/// </remarks>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[EnableRateLimiting(PageRateLimits.RecordCheck)]
[RequestSizeLimit(LimitBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = LimitBytes, MemoryBufferThreshold = LimitBytes)]
public sealed class CheckModel(PublicRecordCheck check, IAntiforgery antiforgery) : PageModel
{
    /// <summary>The largest request read: the largest record upload and room for the form around it.</summary>
    private const int LimitBytes = PublicRecordCheck.MaxUploadBytes + (64 * 1024);

    /// <summary>The SHA-256 form's largest request: a digest with spaces, and the token.</summary>
    private const int ShaLimitBytes = 16 * 1024;

    public const string UploadField = "upload";
    public const string ShaField = "sha256";

    public PublicCheckResult? FileResult { get; private set; }

    /// <summary>The digest asked about, normalized, and the answer.</summary>
    public (string Sha256, bool Issued)? DigestResult { get; private set; }

    /// <summary>What was typed in the SHA-256 box, shown again after an error.</summary>
    public string? ShaInput { get; private set; }

    public ErrorSummary Errors { get; private set; } = ErrorSummary.Message(null);

    public string? UploadError => ErrorOf(UploadField);

    public string? ShaError => ErrorOf(ShaField);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostUploadAsync(CancellationToken ct)
    {
        if (await ReadFormAsync(LimitBytes, UploadField, ct) is { } refused)
        {
            return refused;
        }

        var file = Request.Form.Files.GetFile("Upload");
        if (file is null || file.Length == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, UploadField, "Choose the record's PDF file to check.");
        }

        if (file.Length > PublicRecordCheck.MaxUploadBytes)
        {
            return TooLarge(UploadField);
        }

        using var buffer = new MemoryStream((int)file.Length);
        await using (var stream = file.OpenReadStream())
        {
            await stream.CopyToAsync(buffer, ct);
        }

        var pdf = buffer.ToArray();
        if (!LooksLikePdf(pdf))
        {
            return Refuse(StatusCodes.Status400BadRequest, UploadField, "This file is not a PDF. Choose the record's PDF file, as the clinic gave it to you.");
        }

        FileResult = await check.CheckFileAsync(pdf, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostShaAsync(CancellationToken ct)
    {
        if (await ReadFormAsync(ShaLimitBytes, ShaField, ct) is { } refused)
        {
            return refused;
        }

        ShaInput = Request.Form["Sha256"].ToString();
        if (PublicRecordCheck.NormalizeSha256(ShaInput) is not { } sha256)
        {
            ShaInput = ShaInput.Length > 200 ? ShaInput[..200] : ShaInput;
            return Refuse(StatusCodes.Status400BadRequest, ShaField,
                "Enter the SHA-256 as 64 hexadecimal characters (0 to 9 and a to f); spaces and capitals do not matter.");
        }

        DigestResult = (sha256, await check.IsIssuedAsync(sha256, ct));
        return Page();
    }

    /// <summary>A PDF starts with <c>%PDF-</c> within its first 1024 bytes (ISO 32000-2, 7.5.2; readers allow leading bytes).</summary>
    private static bool LooksLikePdf(byte[] bytes) => bytes.AsSpan(0, Math.Min(bytes.Length, 1024)).IndexOf("%PDF-"u8) >= 0;

    /// <summary>Refuses a body over <paramref name="limit"/> unread, then reads the form and checks its antiforgery token; null when both hold.</summary>
    private async Task<IActionResult?> ReadFormAsync(int limit, string field, CancellationToken ct)
    {
        if (Request.ContentLength > limit)
        {
            return TooLarge(field);
        }

        if (!Request.HasFormContentType)
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, field, "Send the form as a browser does (multipart/form-data or a URL-encoded form).");
        }

        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max)
        {
            max.MaxRequestBodySize = limit;
        }

        try
        {
            await Request.ReadFormAsync(ct);
            await antiforgery.ValidateRequestAsync(HttpContext);
            return null;
        }
        catch (Exception e) when (TooLargeCause(e))
        {
            return TooLarge(field);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or IOException or BadHttpRequestException)
        {
            return Refuse(StatusCodes.Status400BadRequest, field, "The form could not be read, or it had expired. Please try again.");
        }
    }

    /// <summary>Kestrel's body limit, or the multipart reader's ("Multipart body length limit ... exceeded").</summary>
    private static bool TooLargeCause(Exception e) =>
        e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
        || (e is InvalidDataException && e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        || (e.InnerException is { } inner && TooLargeCause(inner));

    private PageResult TooLarge(string field) => Refuse(StatusCodes.Status413PayloadTooLarge, field,
        $"That is too large: a consent record is never more than {PublicRecordCheck.MaxUploadBytes / (1024 * 1024)} MB. Choose the record's PDF file.");

    private PageResult Refuse(int status, string field, string message)
    {
        ModelState.AddModelError(field, message);
        Errors = new ErrorSummary([new ErrorSummary.Item(message, field)]);
        Response.StatusCode = status;
        return Page();
    }

    private string? ErrorOf(string field) =>
        ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;
}
