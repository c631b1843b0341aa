using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages;

/// <summary>The landing page: staff sign in here; patients arrive by their own link instead.</summary>
[AllowAnonymous]
public sealed class IndexModel : PageModel
{
    /// <summary>What the page that sent the person here did (the training attestation, for one).</summary>
    [TempData]
    public string? Notice { get; set; }
}
