using System.Xml.Linq;
using Consent.Web.Data;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// <c>encrypt-key-ring</c>, run once by the operator after upgrading from a version that stored
/// Data Protection keys unsealed (or readable), authenticator keys readable, staff accounts and
/// ethics decisions unsealed: encrypts and seals them and prints each one, so the operator can see
/// what was accepted.
/// </summary>
/// <remarks>
/// <para>Without <c>apply</c> it saves nothing and only lists what it would do: the operator reads
/// the list first, since a planted row or account would be sealed with the rest.</para>
/// <para>Start-up never does this: an unsealed row may be one an attacker planted (the runtime
/// role can write the table), and encrypting it would both trust it and erase the evidence. The
/// operator runs the command right after the upgrade, while the rows are those the earlier
/// version wrote. A row with a seal that does not hold is never resealed: it was changed outside
/// the service.</para>
/// <para>Keys keep their id and material, so sign-ins, patient tickets and queued invitation links
/// made with them open again. The element Data Protection marks <c>requiresEncryption="true"</c>
/// (the master key) is replaced by the <c>encryptedSecret</c> element it writes itself for a new
/// key. Copies of the database taken before still hold the readable keys: see
/// docs/RELIABILITY.md ("Keys, sign-ins and two-factor") for revoking them.</para>
/// </remarks>
public static class KeyRingAtRest
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    /// <summary>What the command did; <see cref="Refused"/> rows were left as they are.</summary>
    public sealed record Outcome(List<string> Done, List<string> Refused);

    public static async Task<Outcome> EncryptAndSealAsync(
        ConsentDbContext db, KeyEncryption keys, KeyRingSeals seals, AuthenticatorSecrets secrets, StaffAccountSeals accounts,
        WorkflowVersions.ReviewSeals reviews, ILoggerFactory logs, bool apply, CancellationToken ct)
    {
        var outcome = new Outcome([], []);
        var encryptor = new CertificateXmlEncryptor(keys.Current, logs);
        foreach (var row in await db.DataProtectionKeys.OrderBy(k => k.Id).ToListAsync(ct))
        {
            var (state, element) = seals.Check(row.Xml);
            var what = $"row {row.Id} ({element?.Name.LocalName ?? "?"} {(string?)element?.Attribute("id") ?? (string?)element?.Element(DataProtection + "revocationDate") ?? ""}, "
                + $"created {(string?)element?.Element(DataProtection + "creationDate") ?? "?"})";
            if (state == SealState.Holds)
            {
                continue;
            }

            if (state != SealState.Missing)
            {
                outcome.Refused.Add($"{what}: {KeyRingSeals.Why(state)}; left as it is");
                continue;
            }

            var readable = element!.Descendants().Where(e => (bool?)e.Attribute(DataProtection + "requiresEncryption") == true).ToList();
            foreach (var secret in readable)
            {
                var encrypted = encryptor.Encrypt(new XElement(secret));
                secret.ReplaceWith(new XElement(DataProtection + "encryptedSecret",
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                    encrypted.EncryptedElement));
            }

            if (KeyRingSeals.IsReadableKey(element))
            {
                outcome.Refused.Add($"{what}: its secret is not under the key-encryption certificate's decryptor; left as it is");
                continue;
            }

            row.Xml = seals.Seal(element);
            outcome.Done.Add($"{what}: {(readable.Count > 0 ? "encrypted and sealed" : "sealed")}");
        }

        foreach (var token in await db.UserTokens.OrderBy(t => t.UserId).ThenBy(t => t.Name).ToListAsync(ct))
        {
            if (token.Value is { } value && AuthenticatorSecrets.IsReadable(value))
            {
                token.Value = secrets.Protect(token.UserId, token.LoginProvider, token.Name, value);
                outcome.Done.Add($"the {(token.Name == "AuthenticatorKey" ? "authenticator key" : $"{token.LoginProvider} {token.Name}")} of staff account {token.UserId}: encrypted");
            }
        }

        // Accounts an earlier version wrote carry no seal (StaffAccountSeals). Each is sealed as it
        // stands and listed with its roles, so the operator can see what was accepted; an account
        // whose seal does not hold was changed outside the service and is left for repair-staff-account.
        foreach (var user in await db.Users.OrderBy(u => u.NormalizedEmail).ToListAsync(ct))
        {
            var roles = await StaffAccountSeals.StoredRolesAsync(db, user.Id, ct);
            var state = await accounts.CheckStoredAsync(db, user, roles, ct);
            var what = $"staff account {user.Id} ({user.Email}, roles: {(roles.Count == 0 ? "none" : string.Join(", ", roles.Order(StringComparer.Ordinal)))}, "
                + $"two-factor {(user.TwoFactorEnabled ? "on" : "off")})";
            if (state == SealState.Missing)
            {
                await accounts.SealAsync(db, user, roles, DateTimeOffset.UtcNow, ct);
                outcome.Done.Add($"{what}: sealed");
            }
            else if (state != SealState.Holds)
            {
                outcome.Refused.Add($"{what}: {StaffAccountSeals.Why(state)}; left as it is (repair it with repair-staff-account)");
            }
        }

        // Ethics decisions an earlier version recorded carry no seal (ReviewSeals): they are numbered
        // in the order they were made and sealed, and listed, but only for a workflow version that
        // has no sealed decision yet. An unsealed decision beside sealed ones was written outside
        // the service and is left, named.
        foreach (var version in await db.WorkflowVersions.Include(w => w.Reviews).OrderBy(w => w.WorkflowId).ThenBy(w => w.Version).ToListAsync(ct))
        {
            var unsealed = version.Reviews.Where(r => r.Seq is null).OrderBy(r => r.DecidedAt).ThenBy(r => r.Id).ToList();
            if (unsealed.Count == 0)
            {
                continue;
            }

            if (version.Reviews.Any(r => r.Seq is not null))
            {
                outcome.Refused.AddRange(unsealed.Select(r =>
                    $"ethics decision {r.Id} on {version.WorkflowId} version {version.Version} ({r.Decision}, {r.DecidedAt:u}): unsealed beside sealed decisions, so written outside the service; left as it is"));
                continue;
            }

            // The runtime role may not change a stored decision (append-only), so each is added again, sealed, in order.
            var seq = 0;
            foreach (var earlier in unsealed)
            {
                var copy = new Data.Entities.WorkflowReview
                {
                    WorkflowId = earlier.WorkflowId, Version = earlier.Version, Decision = earlier.Decision, Comment = earlier.Comment,
                    ReviewerId = earlier.ReviewerId, DecidedAt = earlier.DecidedAt,
                };
                reviews.Seal(copy, ++seq, version.Hash);
                db.WorkflowReviews.Add(copy);
                outcome.Done.Add($"ethics decision {earlier.Id} on {version.WorkflowId} version {version.Version} ({earlier.Decision} by {earlier.ReviewerId}, {earlier.DecidedAt:u}): recorded again, sealed, as decision {seq}");
            }
        }

        if (apply)
        {
            await db.SaveChangesAsync(ct);
        }

        return outcome;
    }
}
