using System.Collections.Immutable;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Workflows.Tests.Status;

/// <summary>Properties of <see cref="ConsentStatus.Compute"/> over random histories, registries and clocks.</summary>
public sealed class ConsentStatusPropertyTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Workflows = ["ketamine-iv-depression", "esketamine-nasal-trd"];
    private static readonly SessionStatus[] Statuses = Enum.GetValues<SessionStatus>();

    /// <summary>Sessions over two workflows and three versions, in every status, across about two years.</summary>
    private static readonly Gen<ConsentSessionSummary[]> Histories =
        Gen.Select(Gen.Int[0, 1], Gen.Int[1, 3], Gen.Int[0, Statuses.Length - 1], Gen.Int[0, 1_000_000], Gen.Int[1, 20_000], Gen.Int[1, 400_000])
            .Array[0, 14]
            .Select(rows => rows.Select((r, i) => Session(i, r.Item1, r.Item2, Statuses[r.Item3], r.Item4, r.Item5, r.Item6)).ToArray());

    /// <summary>Each workflow's three versions: a validity of 1-24 months or none, a notice shorter than it or none, approved or not.</summary>
    private static readonly Gen<WorkflowVersionTerms[]> Registries =
        Gen.Select(Gen.Int[0, 24], Gen.Int[0, 27], Gen.Bool, Gen.Bool).Array[6]
            .Select(terms => terms.Select((t, i) => new WorkflowVersionTerms(Workflows[i / 3], i % 3 + 1,
                t.Item1 == 0 ? null : new CalendarPeriod(t.Item1, 0, $"P{t.Item1}M"),
                t.Item1 == 0 || t.Item2 == 0 ? null : new CalendarPeriod(0, t.Item2 * t.Item1, $"P{t.Item2 * t.Item1}D"),
                i % 3 > 0 && t.Item3 ? ReconsentRule.Required : ReconsentRule.NotRequired, t.Item4)).ToArray());

    private static readonly Gen<DateTimeOffset> Clocks = Gen.Int[0, 2_000_000].Select(m => Start.AddMinutes(m));

    [Fact]
    public void TheInputOrder_DoesNotMatter()
    {
        Gen.Select(Histories, Registries, Clocks, Gen.Int).Sample((history, registry, now, seed) =>
        {
            var shuffled = history.ToArray();
            new Random(seed).Shuffle(shuffled);
            var reversed = registry.Reverse().ToArray();

            Assert.Equal(Text(ConsentStatus.Compute(history, registry, now)), Text(ConsentStatus.Compute(shuffled, reversed, now)));
        }, iter: 500);
    }

    [Fact]
    public void AsTheClockMovesOn_AStatusNeverGoesBack()
    {
        var moved = 0;
        Gen.Select(Histories, Registries, Gen.Int[0, 300_000].Array[2, 12]).Sample((history, registry, steps) =>
        {
            var clock = new FakeTimeProvider(Start);
            var before = ConsentStatus.Compute(history, registry, clock.GetUtcNow());
            foreach (var step in steps)
            {
                clock.Advance(TimeSpan.FromMinutes(step));
                var after = ConsentStatus.Compute(history, registry, clock.GetUtcNow());
                Assert.Equal(before.Length, after.Length);
                for (var i = 0; i < after.Length; i++)
                {
                    var (was, now) = (before[i].Status, after[i].Status);
                    Assert.True(TimeRank(was) is null ? now == was : TimeRank(now) >= TimeRank(was), $"{was} became {now} at {clock.GetUtcNow():O}");
                    if (now != was)
                    {
                        Interlocked.Increment(ref moved);
                    }
                }
                before = after;
            }
        }, iter: 500);

        Assert.True(moved > 50, $"only {moved} statuses changed with the clock");
    }

    [Fact]
    public void AtOrAfterItsExpiry_AConsentIsNeverValidOrExpiring()
    {
        Gen.Select(Histories, Registries, Clocks).Sample((history, registry, now) =>
        {
            foreach (var status in ConsentStatus.Compute(history, registry, now))
            {
                if (status.Status is ConsentStatusKind.Valid or ConsentStatusKind.Expiring or ConsentStatusKind.ReconsentDue && status.ExpiresAt is { } end)
                {
                    Assert.True(now < end, $"{status.Status} at {now:O}, expiring {end:O}");
                }
                if (status.Status == ConsentStatusKind.Expired)
                {
                    Assert.True(now >= status.ExpiresAt, $"expired at {now:O}, before {status.ExpiresAt:O}");
                }
                Assert.True(status.Records.Count(r => r.State is ConsentRecordState.Active or ConsentRecordState.Expired) <= 1);
            }
        }, iter: 1000);
    }

    [Fact]
    public void ANewerApprovedVersionRequiringReconsent_TurnsValidAndExpiringIntoReconsentDue_AndANotRequiredOneChangesNothing()
    {
        var turned = 0;
        Gen.Select(Histories, Registries, Clocks, Gen.Bool).Sample((history, registry, now, required) =>
        {
            var before = ConsentStatus.Compute(history, registry, now);
            var newer = Workflows.Select(w => new WorkflowVersionTerms(w, 4, null, null,
                required ? ReconsentRule.Required : ReconsentRule.NotRequired, Approved: true));

            var after = ConsentStatus.Compute(history, [.. registry, .. newer], now);

            // A workflow seen only through the new version is listed now, as none.
            Assert.All(after.ExceptBy(before.Select(b => b.WorkflowId), a => a.WorkflowId), a => Assert.Equal(ConsentStatusKind.None, a.Status));
            foreach (var was in before)
            {
                var expected = required && was.Status is ConsentStatusKind.Valid or ConsentStatusKind.Expiring
                    ? ConsentStatusKind.ReconsentDue
                    : was.Status;
                Assert.Equal(expected, after.Single(a => a.WorkflowId == was.WorkflowId).Status);
                if (expected != was.Status)
                {
                    Interlocked.Increment(ref turned);
                }
            }
        }, iter: 1000);

        Assert.True(turned > 50, $"only {turned} statuses turned to reconsent-due");
    }

    [Fact]
    public void WhileAConsentIsInForce_DeclinedReferredAndInProgressAreNeverShown()
    {
        Gen.Select(Histories, Registries, Clocks).Sample((history, registry, now) =>
        {
            foreach (var status in ConsentStatus.Compute(history, registry, now))
            {
                var latest = LatestSigned(history, status.WorkflowId);
                if (latest is not null && latest.Status == SessionStatus.Completed)
                {
                    Assert.Contains(status.Status, (ConsentStatusKind[])[ConsentStatusKind.Valid, ConsentStatusKind.Expiring,
                        ConsentStatusKind.ReconsentDue, ConsentStatusKind.Expired]);
                    Assert.Equal(latest.SessionId, status.SessionId);
                }
            }
        }, iter: 1000);
    }

    [Fact]
    public void Withdrawn_IffTheLatestConsentsWithdrawalIsTheLatestThing()
    {
        var withdrawn = 0;
        Gen.Select(Histories, Registries, Clocks).Sample((history, registry, now) =>
        {
            foreach (var status in ConsentStatus.Compute(history, registry, now))
            {
                var latest = LatestSigned(history, status.WorkflowId);
                if (latest?.Status != SessionStatus.Withdrawn)
                {
                    Assert.NotEqual(ConsentStatusKind.Withdrawn, status.Status);
                    continue;
                }
                var others = history.Where(s => s.WorkflowId == status.WorkflowId && s.Status is SessionStatus.Invited
                    or SessionStatus.InProgress or SessionStatus.AwaitingCountersign or SessionStatus.Declined or SessionStatus.Referred)
                    .Select(s => s.Status is SessionStatus.Declined or SessionStatus.Referred ? s.EndedAt!.Value : s.CreatedAt).ToList();
                if (others.All(at => at < latest.EndedAt))
                {
                    Assert.Equal(ConsentStatusKind.Withdrawn, status.Status);
                    Interlocked.Increment(ref withdrawn);
                }
                else if (others.Any(at => at > latest.EndedAt))
                {
                    Assert.NotEqual(ConsentStatusKind.Withdrawn, status.Status);
                }
            }
        }, iter: 1000);

        Assert.True(withdrawn > 50, $"only {withdrawn} withdrawn statuses seen");
    }

    /// <summary>Valid, then expiring or reconsent-due, then expired; null for the statuses the clock cannot change.</summary>
    private static int? TimeRank(ConsentStatusKind status) => status switch
    {
        ConsentStatusKind.Valid => 0,
        ConsentStatusKind.Expiring or ConsentStatusKind.ReconsentDue => 1,
        ConsentStatusKind.Expired => 2,
        _ => null,
    };

    private static ConsentSessionSummary? LatestSigned(ConsentSessionSummary[] history, string workflowId) =>
        history.Where(s => s.WorkflowId == workflowId && s.SignedAt is not null)
            .OrderBy(s => s.SignedAt).ThenBy(s => s.SessionId).LastOrDefault();

    private static ConsentSessionSummary Session(int index, int workflow, int version, SessionStatus status, int createdMinutes, int signedAfter, int endedAfter)
    {
        var created = Start.AddMinutes(createdMinutes);
        DateTimeOffset? signed = status is SessionStatus.Completed or SessionStatus.Withdrawn ? created.AddMinutes(signedAfter) : null;
        DateTimeOffset? ended = status switch
        {
            SessionStatus.Withdrawn => signed!.Value.AddMinutes(endedAfter),
            SessionStatus.Declined or SessionStatus.Referred or SessionStatus.Expired or SessionStatus.Voided => created.AddMinutes(signedAfter),
            _ => null,
        };
        return new ConsentSessionSummary(new Guid(index + 1, (short)workflow, 0, new byte[8]), Workflows[workflow], version, status, created, signed, ended,
            signed is null ? null : $"sha-{index}");
    }

    private static string Text(ImmutableArray<WorkflowConsentStatus> statuses) => string.Join("\n", statuses.Select(s =>
        $"{s.WorkflowId} {s.Status} {s.SessionId} {s.RecordSha256} {s.Version} {s.SignedAt:O} {s.ExpiresAt:O} {s.Reason} ["
        + string.Join(", ", s.Records.Select(r => $"{r.SessionId} {r.State} {r.ExpiresAt:O}")) + "]"));
}
