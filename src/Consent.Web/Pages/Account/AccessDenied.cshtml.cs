using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Account;

/// <summary>Shown when a signed-in staff member lacks the role a page needs.</summary>
[AllowAnonymous]
public sealed class AccessDeniedModel : PageModel
{
}
