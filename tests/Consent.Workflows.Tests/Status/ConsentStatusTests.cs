using Consent.Workflows.Loading;

namespace Consent.Workflows.Tests.Status;

/// <summary>One example per status, and the records' states, of <see cref="ConsentStatus.Compute"/>.</summary>
public sealed class ConsentStatusTests
{
    private const string Ketamine = "ketamine-iv-depression";
    private static readonly DateTimeOffset Signed = new(2025, 1, 31, 10, 0, 0, TimeSpan.Zero);

    // Version 1: valid 12 months, notice 30 days. Version 2 (not approved unless a test says so) requires re-consent.
    private static readonly WorkflowVersionTerms V1 = new(Ketamine, 1, IsoDuration.ParsePeriod("P12M"), IsoDuration.ParsePeriod("P30D"), ReconsentRule.NotRequired, Approved: true);

    [Fact]
    public void ASignedConsent_IsValidUntilTheNoticePeriod()
    {
        var status = One([Completed(1, Signed)], [V1], Signed.AddMonths(6));

        Assert.Equal(ConsentStatusKind.Valid, status.Status);
        Assert.Equal((1, Signed, Signed.AddMonths(12), "sha-1"), (status.Version, status.SignedAt, status.ExpiresAt, status.RecordSha256));
        Assert.Equal("Signed on 2025-01-31 (version 1); valid until 2026-01-31.", status.Reason);
        Assert.Equal(ConsentRecordState.Active, Assert.Single(status.Records).State);
    }

    [Fact]
    public void WithinTheNoticePeriod_ItIsExpiring_AndAtTheEnd_Expired()
    {
        var expiresAt = Signed.AddMonths(12);

        Assert.Equal(ConsentStatusKind.Valid, One([Completed(1, Signed)], [V1], expiresAt.AddDays(-30).AddTicks(-1)).Status);
        var expiring = One([Completed(1, Signed)], [V1], expiresAt.AddDays(-30));
        Assert.Equal(ConsentStatusKind.Expiring, expiring.Status);
        Assert.Equal("Signed on 2025-01-31 (version 1); expires on 2026-01-31, within the P30D notice period.", expiring.Reason);
        Assert.Equal(ConsentStatusKind.Expiring, One([Completed(1, Signed)], [V1], expiresAt.AddTicks(-1)).Status);
        var expired = One([Completed(1, Signed)], [V1], expiresAt);
        Assert.Equal(ConsentStatusKind.Expired, expired.Status);
        Assert.Equal(ConsentRecordState.Expired, Assert.Single(expired.Records).State);
        Assert.Equal("Signed on 2025-01-31 (version 1); expired on 2026-01-31.", expired.Reason);
    }

    [Fact]
    public void AVersionWithoutValidity_NeverExpires()
    {
        var forever = V1 with { Validity = null, Notice = null };

        var status = One([Completed(1, Signed)], [forever], Signed.AddYears(50));

        Assert.Equal(ConsentStatusKind.Valid, status.Status);
        Assert.Null(status.ExpiresAt);
        Assert.EndsWith("it does not expire.", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewerApprovedVersionRequiringReconsent_MakesItReconsentDue()
    {
        var v2 = new WorkflowVersionTerms(Ketamine, 2, V1.Validity, V1.Notice, ReconsentRule.Required, Approved: true);

        var status = One([Completed(1, Signed)], [V1, v2], Signed.AddMonths(1));

        Assert.Equal(ConsentStatusKind.ReconsentDue, status.Status);
        Assert.Equal("Signed on 2025-01-31 (version 1); valid until 2026-01-31; version 2 requires re-consent.", status.Reason);
    }

    [Fact]
    public void ANewerVersionThatIsNotApproved_OrDoesNotRequireIt_LeavesItValid()
    {
        var draft = new WorkflowVersionTerms(Ketamine, 2, V1.Validity, V1.Notice, ReconsentRule.Required, Approved: false);
        var wording = new WorkflowVersionTerms(Ketamine, 3, V1.Validity, V1.Notice, ReconsentRule.NotRequired, Approved: true);

        Assert.Equal(ConsentStatusKind.Valid, One([Completed(1, Signed)], [V1, draft, wording], Signed.AddMonths(1)).Status);
    }

    [Fact]
    public void ExpiredBeatsReconsentDue_WhichBeatsExpiring()
    {
        var v2 = new WorkflowVersionTerms(Ketamine, 2, null, null, ReconsentRule.Required, Approved: true);

        Assert.Equal(ConsentStatusKind.ReconsentDue, One([Completed(1, Signed)], [V1, v2], Signed.AddMonths(12).AddDays(-1)).Status);
        Assert.Equal(ConsentStatusKind.Expired, One([Completed(1, Signed)], [V1, v2], Signed.AddMonths(12)).Status);
    }

    [Fact]
    public void ReconsentOnTheNewVersion_SupersedesTheOldRecord()
    {
        var v2 = new WorkflowVersionTerms(Ketamine, 2, V1.Validity, V1.Notice, ReconsentRule.Required, Approved: true);
        var reconsented = Signed.AddMonths(2);

        var status = One([Completed(2, reconsented, id: 2), Completed(1, Signed)], [V1, v2], Signed.AddMonths(3));

        Assert.Equal(ConsentStatusKind.Valid, status.Status);
        Assert.Equal((2, "sha-2"), (status.Version, status.RecordSha256));
        Assert.Equal([ConsentRecordState.Superseded, ConsentRecordState.Active], status.Records.Select(r => r.State));
        Assert.Equal([1, 2], status.Records.Select(r => r.Version));
    }

    [Fact]
    public void AWithdrawnConsent_IsWithdrawn_UntilANewConsent()
    {
        var withdrawn = Completed(1, Signed) with { Status = SessionStatus.Withdrawn, EndedAt = Signed.AddDays(10) };

        var status = One([withdrawn], [V1], Signed.AddDays(11));

        Assert.Equal(ConsentStatusKind.Withdrawn, status.Status);
        Assert.Equal(("sha-1", Signed), (status.RecordSha256, status.SignedAt));
        Assert.Equal("The consent signed on 2025-01-31 (version 1) was withdrawn on 2025-02-10.", status.Reason);
        Assert.Equal(ConsentRecordState.Withdrawn, Assert.Single(status.Records).State);

        var again = One([withdrawn, Completed(1, Signed.AddDays(20), id: 2)], [V1], Signed.AddDays(21));
        Assert.Equal(ConsentStatusKind.Valid, again.Status);
        Assert.Equal([ConsentRecordState.Withdrawn, ConsentRecordState.Active], again.Records.Select(r => r.State));
    }

    [Theory]
    [InlineData(SessionStatus.Declined, ConsentStatusKind.Declined, "The patient declined version 1 on 2025-02-01.")]
    [InlineData(SessionStatus.Referred, ConsentStatusKind.Referred, "The screening of version 1 referred the patient to a clinician on 2025-02-01.")]
    public void WithoutAConsent_TheLatestDecisionShows(SessionStatus ended, ConsentStatusKind expected, string reason)
    {
        var session = new ConsentSessionSummary(Id(1), Ketamine, 1, ended, Signed, EndedAt: Signed.AddDays(1));

        var status = One([session], [V1], Signed.AddDays(2));

        Assert.Equal((expected, reason), (status.Status, status.Reason));
        Assert.Equal((1, (DateTimeOffset?)null), (status.Version, status.SignedAt));
    }

    [Theory]
    [InlineData(SessionStatus.Invited)]
    [InlineData(SessionStatus.InProgress)]
    [InlineData(SessionStatus.AwaitingCountersign)]
    public void AnOpenSession_IsInProgress(SessionStatus open)
    {
        var status = One([new ConsentSessionSummary(Id(1), Ketamine, 1, open, Signed)], [V1], Signed.AddHours(1));

        Assert.Equal(ConsentStatusKind.InProgress, status.Status);
        Assert.StartsWith("A session on version 1 is open since 2025-01-31", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASessionAfterADecline_IsInProgress_AndADeclineAfterAnOpenSession_IsDeclined()
    {
        var declined = new ConsentSessionSummary(Id(1), Ketamine, 1, SessionStatus.Declined, Signed, EndedAt: Signed.AddDays(1));
        var open = new ConsentSessionSummary(Id(2), Ketamine, 1, SessionStatus.Invited, Signed.AddDays(2));

        Assert.Equal(ConsentStatusKind.InProgress, One([declined, open], [V1], Signed.AddDays(3)).Status);
        var laterDecline = declined with { EndedAt = Signed.AddDays(4) };
        var status = One([laterDecline, open], [V1], Signed.AddDays(5));
        Assert.Equal(ConsentStatusKind.Declined, status.Status);
        Assert.EndsWith("An earlier session on version 1, started on 2025-02-02, is still open.", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredOrVoidedInvitationsAlone_AreNone()
    {
        var ranOut = new ConsentSessionSummary(Id(1), Ketamine, 1, SessionStatus.Expired, Signed, EndedAt: Signed.AddDays(7));
        var voided = new ConsentSessionSummary(Id(2), Ketamine, 1, SessionStatus.Voided, Signed, EndedAt: Signed.AddDays(1));

        var status = One([ranOut, voided], [V1], Signed.AddDays(8));

        Assert.Equal(ConsentStatusKind.None, status.Status);
        Assert.Equal("No consent on record; 2 invitations ended without a decision (the link ran out or was voided).", status.Reason);
        Assert.Null(status.SessionId);
    }

    [Fact]
    public void AnApprovedWorkflowWithoutSessions_IsNone_AndEntriesAreInWorkflowOrder()
    {
        var pain = new WorkflowVersionTerms("ketamine-chronic-pain", 1, null, null, ReconsentRule.NotRequired, Approved: true);
        var retired = new WorkflowVersionTerms("a-retired-workflow", 1, null, null, ReconsentRule.NotRequired, Approved: false);

        var statuses = ConsentStatus.Compute([Completed(1, Signed)], [V1, pain, retired], Signed.AddDays(1));

        Assert.Equal(["ketamine-chronic-pain", Ketamine], statuses.Select(s => s.WorkflowId));
        Assert.Equal("No consent and no session on record.", statuses[0].Reason);
        Assert.Equal(ConsentStatusKind.None, statuses[0].Status);
    }

    [Fact]
    public void AConsentInForce_StaysInForce_ThroughALaterDeclineOrAnOpenReconsent()
    {
        var declined = new ConsentSessionSummary(Id(2), Ketamine, 1, SessionStatus.Declined, Signed.AddDays(5), EndedAt: Signed.AddDays(6));
        var open = new ConsentSessionSummary(Id(3), Ketamine, 2, SessionStatus.InProgress, Signed.AddDays(7));

        var status = One([Completed(1, Signed), declined, open], [V1], Signed.AddDays(8));

        Assert.Equal(ConsentStatusKind.Valid, status.Status);
        Assert.Equal("Signed on 2025-01-31 (version 1); valid until 2026-01-31. A new session on version 2 is open since 2025-02-07.", status.Reason);
    }

    [Fact]
    public void ASignedVersionUnknownToTheRegistry_HasNoExpiry_AndSaysSo()
    {
        var status = One([Completed(1, Signed)], [], Signed.AddYears(3));

        Assert.Equal(ConsentStatusKind.Valid, status.Status);
        Assert.Contains("version 1 is not in the registry", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACompletedSessionWithoutASigningTime_IsRefused()
    {
        var broken = new ConsentSessionSummary(Id(1), Ketamine, 1, SessionStatus.Completed, Signed);

        Assert.Throws<ArgumentException>(() => ConsentStatus.Compute([broken], [V1], Signed));
    }

    [Fact]
    public void TermsOfALoadedDefinition_AreItsValidityNoticeAndReconsent()
    {
        var terms = WorkflowVersionTerms.Of(Repository.TestConsent.Definition, approved: true);

        Assert.Equal(("test-consent", 1, null, null, ReconsentRule.NotRequired, true),
            (terms.WorkflowId, terms.Version, terms.Validity, terms.Notice, terms.Reconsent, terms.Approved));
    }

    [Theory]
    [InlineData(ConsentStatusKind.ReconsentDue, "reconsent-due")]
    [InlineData(ConsentStatusKind.InProgress, "in-progress")]
    [InlineData(ConsentStatusKind.None, "none")]
    [InlineData(ConsentStatusKind.Expiring, "expiring")]
    public void StatusNames_AreTheIssuesWords(ConsentStatusKind status, string name) => Assert.Equal(name, ConsentStatus.Name(status));

    private static WorkflowConsentStatus One(ConsentSessionSummary[] sessions, WorkflowVersionTerms[] registry, DateTimeOffset now) =>
        Assert.Single(ConsentStatus.Compute(sessions, registry, now));

    private static ConsentSessionSummary Completed(int version, DateTimeOffset signedAt, int id = 1) =>
        new(Id(id), Ketamine, version, SessionStatus.Completed, signedAt.AddDays(-1), signedAt, RecordSha256: $"sha-{id}");

    private static Guid Id(int n) => new(n, 0, 0, new byte[8]);
}
