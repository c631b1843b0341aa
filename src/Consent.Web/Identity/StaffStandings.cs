using System.Collections.Concurrent;
using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// A staff account as every sign-in is checked against it: security stamp, deactivation,
/// roles, and whether it must first replace a temporary password.
/// </summary>
/// <param name="Unsealed">The account's seal does not hold (<see cref="StaffAccountSeals"/>): it was changed outside the service, and signs in as nobody.</param>
/// <param name="TwoFactorEnabled">The account has an authenticator (Admin and Auditor accounts must, outside Development, before their first page).</param>
/// <param name="TrainingAttested">The staff member signed the training attestation (<see cref="TrainingAttestation"/>); no role works before it.</param>
public sealed record StaffStanding(string? SecurityStamp, bool Deactivated, IReadOnlyList<string> Roles, bool PasswordChangeRequired = false, bool Unsealed = false,
    bool TwoFactorEnabled = false, bool TrainingAttested = false);

/// <summary>
/// Each node's short-lived copy of staff accounts' standing, so checking every request costs a
/// dictionary lookup rather than a query.
/// </summary>
/// <remarks>
/// <para>An entry lives at most <see cref="Lifetime"/> (<c>Identity:SignInCheckSeconds</c>, default and
/// at most 60): a change made on another node reaches this one within that time. A change made on
/// this node drops the entry at once (<see cref="StaffUserManager"/> calls <see cref="Forget"/>
/// after every write). Unknown ids are never cached, so made-up ids cannot fill the memory.
/// </para>
/// <para>Each load checks the account's seal (<see cref="StaffAccountSeals"/>) over what it read; an
/// account whose seal does not hold is logged as an <c>AUDIT ALERT</c> (once per load, so at most
/// once per <see cref="Lifetime"/> on each node) and stands as <see cref="StaffStanding.Unsealed"/>.</para>
/// </remarks>
public sealed class StaffStandings(TimeProvider clock, IConfiguration configuration, StaffAccountSeals seals, ILogger<StaffStandings> logger)
{
    private readonly ConcurrentDictionary<Guid, (StaffStanding Standing, DateTimeOffset LoadedAt)> entries = new();
    private long generation;

    public TimeSpan Lifetime { get; } = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Identity:SignInCheckSeconds", 60), 0, 60));

    /// <summary>The account's standing, or null when no such account exists.</summary>
    public async Task<StaffStanding?> GetAsync(Guid userId, Func<ConsentDbContext> database, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(userId, out var entry) && now - entry.LoadedAt < Lifetime)
        {
            return entry.Standing;
        }

        // A change that lands while this query runs bumps the generation; the answer, possibly from
        // before the change, is then used once and not kept.
        var before = Interlocked.Read(ref generation);
        var standing = await LoadAsync(database(), userId, ct);
        if (standing is null)
        {
            entries.TryRemove(userId, out _);
        }
        else if (Interlocked.Read(ref generation) == before)
        {
            entries[userId] = (standing, now);
        }

        return standing;
    }

    /// <summary>Drops what this node knows of an account, after a change to it.</summary>
    public void Forget(Guid userId)
    {
        Interlocked.Increment(ref generation);
        entries.TryRemove(userId, out _);
    }

    private async Task<StaffStanding?> LoadAsync(ConsentDbContext db, Guid userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }

        var roles = await StaffAccountSeals.StoredRolesAsync(db, userId, ct);
        var seal = await seals.CheckStoredAsync(db, user, roles, ct);
        if (seal != SealState.Holds)
        {
            logger.LogCritical("AUDIT ALERT: staff account {UserId} is refused: {Why}. Its sign-ins count as signed out until an operator repairs it (repair-staff-account).",
                userId, StaffAccountSeals.Why(seal));
        }

        return new StaffStanding(user.SecurityStamp, user.DeactivatedAt is not null, roles, user.TemporaryPasswordExpiresAt is not null, seal != SealState.Holds,
            user.TwoFactorEnabled, user.TrainingAttestedAt is not null);
    }
}
