namespace Consent.Workflows.Tests.Sessions;

public sealed class SessionLifecycleTests
{
    [Theory]
    [InlineData(SessionStatus.Invited, LifecycleTrigger.VerifyIdentity, SessionStatus.InProgress)]
    [InlineData(SessionStatus.InProgress, LifecycleTrigger.PatientSign, SessionStatus.AwaitingCountersign)]
    [InlineData(SessionStatus.AwaitingCountersign, LifecycleTrigger.Countersign, SessionStatus.Completed)]
    [InlineData(SessionStatus.InProgress, LifecycleTrigger.Refer, SessionStatus.Referred)]
    [InlineData(SessionStatus.AwaitingCountersign, LifecycleTrigger.Decline, SessionStatus.Declined)]
    [InlineData(SessionStatus.Invited, LifecycleTrigger.Expire, SessionStatus.Expired)]
    [InlineData(SessionStatus.AwaitingCountersign, LifecycleTrigger.Void, SessionStatus.Voided)]
    [InlineData(SessionStatus.Completed, LifecycleTrigger.Withdraw, SessionStatus.Withdrawn)]
    public void Fire_FollowsTheLifecycle(SessionStatus from, LifecycleTrigger trigger, SessionStatus to)
    {
        Assert.True(SessionLifecycle.CanFire(from, trigger));
        Assert.Equal(to, SessionLifecycle.Fire(from, trigger));
    }

    [Theory]
    [InlineData(SessionStatus.Declined)]
    [InlineData(SessionStatus.Referred)]
    [InlineData(SessionStatus.Expired)]
    [InlineData(SessionStatus.Voided)]
    [InlineData(SessionStatus.Withdrawn)]
    public void EndStates_PermitNothing(SessionStatus status)
    {
        Assert.Empty(SessionLifecycle.PermittedTriggers(status));
        Assert.True(SessionLifecycle.IsEnded(status));
    }

    [Fact]
    public void Completed_OnlyPermitsWithdrawal()
    {
        Assert.Equal([LifecycleTrigger.Withdraw], SessionLifecycle.PermittedTriggers(SessionStatus.Completed));
    }

    [Fact]
    public void Replay_RefusesALogWithAnImpossibleTransition()
    {
        var session = new SessionDriver();
        var bogus = new RecordedEvent(2, EventTypes.ClinicianCountersigned, "countersign", [], null, "staff-1", SessionDriver.Start);

        Assert.Throws<InvalidDataException>(() => ConsentInterpreter.Replay(session.Workflow, [.. session.Events, bogus]));
    }

    [Fact]
    public void Replay_IgnoresEventTypesItDoesNotKnow()
    {
        var session = new SessionDriver();
        var hostOnly = new RecordedEvent(2, "RecordDownloaded", null, [], null, "staff-1", SessionDriver.Start);

        var state = ConsentInterpreter.Replay(session.Workflow, [.. session.Events, hostOnly]);

        Assert.Equal(SessionStatus.Invited, state.Status);
        Assert.Equal(2, state.LastSeq);
    }
}
