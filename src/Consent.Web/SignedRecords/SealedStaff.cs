using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SignedRecords;

/// <summary>
/// Staff accounts as stored now, each with what its seal says (<see cref="StaffAccountSeals.CheckStoredAsync"/>):
/// what a signed record and the audit trail read before they print anyone's name.
/// </summary>
/// <remarks>
/// The display name is sealed with the account, but the runtime role can write it: an outside review
/// renamed a clinician for the seconds around a countersignature, and the signed record printed the
/// new name. Read afresh each time (never from a cache), so a name is printed only while its seal holds.
/// </remarks>
public static class SealedStaff
{
    public static async Task<List<(StaffUser User, SealState Seal)>> ReadAsync(
        ConsentDbContext db, StaffAccountSeals accounts, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var found = new List<(StaffUser, SealState)>();
        foreach (var user in await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToListAsync(ct))
        {
            found.Add((user, await accounts.CheckStoredAsync(db, user, ct)));
        }

        return found;
    }
}
