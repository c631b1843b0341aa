using Consent.Web.Identity;
using Consent.Web.SignedRecords;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Audit;

/// <summary>
/// Upload a record PDF and see whether it is genuine: the same check as <c>POST /api/v1/records/verify</c>
/// (signature, certificate, the stored copy, the session's event chain), shown as a report.
/// </summary>
[Authorize(Policy = Policies.Auditor)]
[RequestSizeLimit(RecordCheck.MaxUploadBytes + (64 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = RecordCheck.MaxUploadBytes)]
public sealed class VerifyModel(RecordCheck check) : PageModel
{
    [BindProperty]
    public IFormFile? Upload { get; set; }

    public RecordCheckReport? Report { get; private set; }

    public string? FileName { get; private set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            Problem = "Choose a PDF file to check.";
            return Page();
        }

        if (Upload.Length > RecordCheck.MaxUploadBytes)
        {
            Problem = $"A consent record is never larger than {RecordCheck.MaxUploadBytes / (1024 * 1024)} MB; this file is.";
            return Page();
        }

        using var buffer = new MemoryStream((int)Upload.Length);
        await using (var stream = Upload.OpenReadStream())
        {
            await stream.CopyToAsync(buffer, ct);
        }

        FileName = Path.GetFileName(Upload.FileName);
        Report = await check.CheckAsync(buffer.ToArray(), ct);
        return Page();
    }
}
