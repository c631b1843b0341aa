using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages;

/// <summary>The landing page: staff sign in here; patients arrive by their own link instead.</summary>
[AllowAnonymous]
public sealed class IndexModel : PageModel
{
}
