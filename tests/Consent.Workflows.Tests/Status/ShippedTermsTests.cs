namespace Consent.Workflows.Tests.Status;

/// <summary>
/// The shipped esketamine versions' terms as <see cref="ConsentStatus.Compute"/> reads them: once version 2
/// is approved (as in Development, where every shipped version is), a consent signed on version 1 is due
/// for re-consent, and a consent on version 2 lasts 12 months with 30 days' notice.
/// </summary>
public sealed class ShippedTermsTests
{
    private const string Esketamine = "esketamine-nasal-trd";
    private static readonly DateTimeOffset Signed = new(2026, 3, 31, 15, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<WorkflowCatalog> Shipped = new(() =>
    {
        var load = WorkflowCatalog.Load(RepositoryRoot.Path);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!;
    });

    [Fact]
    public void AConsentOnVersion1_IsReconsentDue_OnceVersion2IsApproved_AndValidWhileItIsNot()
    {
        var signedOnV1 = new ConsentSessionSummary(Guid.NewGuid(), Esketamine, 1, SessionStatus.Completed, Signed.AddHours(-1), Signed);

        var due = Status([signedOnV1], version2Approved: true, Signed.AddDays(1));
        var pending = Status([signedOnV1], version2Approved: false, Signed.AddDays(1));

        Assert.Equal(ConsentStatusKind.ReconsentDue, due.Status);
        Assert.Equal(ConsentStatusKind.Valid, pending.Status);
        Assert.Null(pending.ExpiresAt); // version 1 sets no validity
    }

    [Fact]
    public void AConsentOnVersion2_LastsTwelveMonths_AndIsExpiringInItsLastThirtyDays()
    {
        var signedOnV2 = new ConsentSessionSummary(Guid.NewGuid(), Esketamine, 2, SessionStatus.Completed, Signed.AddHours(-1), Signed);
        var end = new DateTimeOffset(2027, 3, 31, 15, 0, 0, TimeSpan.Zero);

        Assert.Equal(ConsentStatusKind.Valid, Status([signedOnV2], version2Approved: true, end.AddDays(-30).AddTicks(-1)).Status);
        Assert.Equal(ConsentStatusKind.Expiring, Status([signedOnV2], version2Approved: true, end.AddDays(-30)).Status);
        var expired = Status([signedOnV2], version2Approved: true, end);
        Assert.Equal(ConsentStatusKind.Expired, expired.Status);
        Assert.Equal(end, expired.ExpiresAt);
    }

    private static WorkflowConsentStatus Status(ConsentSessionSummary[] sessions, bool version2Approved, DateTimeOffset now)
    {
        var v1 = Shipped.Value.Find(Esketamine, 1)!.Definition;
        var v2 = Shipped.Value.Find(Esketamine, 2)!.Definition;
        return Assert.Single(ConsentStatus.Compute(sessions, [WorkflowVersionTerms.Of(v1, true), WorkflowVersionTerms.Of(v2, version2Approved)], now));
    }
}
