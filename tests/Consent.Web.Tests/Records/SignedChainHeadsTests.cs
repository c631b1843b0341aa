using Consent.Records;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;

namespace Consent.Web.Tests.Records;

/// <summary>How a signed record's chain head is compared with the stored chain, including records issued before records carried one.</summary>
public sealed class SignedChainHeadsTests
{
    private static readonly Guid Session = Guid.Parse("5b0c3f55-8d3e-4c7e-9a51-0d7f6f1b2a10");

    private static readonly List<ConsentEvent> Chain =
    [
        new() { SessionId = Session, Seq = 1, Hash = new string('a', 64) },
        new() { SessionId = Session, Seq = 2, Hash = new string('b', 64) },
    ];

    [Fact]
    public void ARecordIssuedBeforeRecordsCarriedAChainHead_IsNotCompared()
    {
        Assert.Null(SignedChainHeads.Compare(Session, "Consent", new RecordVerification { FileSha256 = "" }, Chain));
    }

    [Fact]
    public void AHeadTheChainStillHolds_Agrees()
    {
        Assert.Null(SignedChainHeads.Compare(Session, "Consent", Signed(2, new string('b', 64)), Chain));
    }

    [Theory]
    [InlineData(2, "was signed over event 2")]
    [InlineData(3, "has no event 3")]
    public void AHeadTheChainNoLongerHolds_IsABreakAtThatEvent_NamingTheSession(long seq, string why)
    {
        var broken = SignedChainHeads.Compare(Session, "Consent", Signed(seq, new string('c', 64)), Chain);

        Assert.NotNull(broken);
        Assert.False(broken.Verified);
        Assert.Equal(seq, broken.BrokenAtSeq);
        Assert.Contains(Session.ToString(), broken.Problem, StringComparison.Ordinal);
        Assert.Contains(why, broken.Problem, StringComparison.Ordinal);
    }

    private static RecordVerification Signed(long seq, string hash) => new() { FileSha256 = "", ChainSequence = seq, ChainHash = hash };
}
