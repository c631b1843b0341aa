using System.Xml.Linq;
using Consent.Web.Data;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// Where Data Protection keeps its key ring: <c>data_protection_keys</c>, each row sealed by this
/// service (<see cref="KeyRingSeals"/>). A row whose seal does not hold, or a key whose secret is
/// not encrypted, is never given to Data Protection: it is named in the log as an AUDIT ALERT and
/// left as it is, for whoever investigates.
/// </summary>
/// <remarks>
/// Data Protection reads the ring at start, when its cached copy expires (about every 24 hours)
/// and after it makes a key, so a row planted while the service runs is refused on the next read.
/// Nothing here changes a stored row: readable keys an earlier version left are encrypted only by
/// the operator's <c>encrypt-key-ring</c> command (<see cref="KeyRingAtRest"/>).
/// </remarks>
public sealed class SealedKeyRing(IServiceProvider services, KeyRingSeals seals, ILogger<SealedKeyRing> log) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var usable = new List<XElement>();
        foreach (var row in db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).ToList())
        {
            var (state, element) = seals.Check(row.Xml);
            if (state == SealState.Holds && !KeyRingSeals.IsReadableKey(element!))
            {
                usable.Add(element!);
                continue;
            }

            log.LogCritical(
                "AUDIT ALERT: data_protection_keys row {Row} (friendly name {FriendlyName}, key {KeyId}) is refused and not used: {Why}. "
                + "Sign-ins and links made with it do not open. Unless it is a key an earlier version left (then run 'encrypt-key-ring' once), "
                + "someone wrote it who can write the database: keep the row for the investigation (docs/RELIABILITY.md, Security).",
                row.Id, row.FriendlyName, (string?)element?.Attribute("id") ?? "?", KeyRingSeals.Why(state));
        }

        return usable;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = seals.Seal(element) });
        db.SaveChanges();
    }
}
