using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;

namespace Consent.Web.Sessions;

/// <summary>
/// Per-session access for staff: a clinician sees and acts on the sessions they started; an auditor
/// reads every session and changes none.
/// </summary>
/// <remarks>
/// A session the caller may not see answers 404, exactly like one that does not exist, so ids cannot
/// be probed. Anything not recognised here is a deny.
/// </remarks>
public static class StaffAccess
{
    public static Guid? UserId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static bool CanRead(ClaimsPrincipal user, ConsentSession session) =>
        user.IsInRole(StaffRoles.Auditor) || IsOwningClinician(user, session);

    public static bool CanAct(ClaimsPrincipal user, ConsentSession session) => IsOwningClinician(user, session);

    private static bool IsOwningClinician(ClaimsPrincipal user, ConsentSession session) =>
        user.IsInRole(StaffRoles.Clinician) && UserId(user) is { } id && id == session.CreatedBy;
}
