using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>A referred patient was told someone will contact them: the clinician records that follow-up once, with a note.</summary>
public sealed class ReferralFollowUpTests
{
    [Fact]
    public void AReferredSession_IsFollowedUpOnce_WithANote_AndStaysReferred()
    {
        var session = Referred();
        Assert.Null(session.State.FollowUp);
        var at = session.Now;

        var events = session.Accept(new FollowUpReferral("  Phoned; booked a review.  ", "staff-1"), "staff-1");

        var e = Assert.Single(events);
        Assert.Equal(EventTypes.ReferralFollowedUp, e.Type);
        Assert.Equal("Phoned; booked a review.", e.Payload["note"]!.GetValue<string>());
        Assert.Equal("staff-1", e.Payload["staffId"]!.GetValue<string>());
        Assert.Equal(SessionStatus.Referred, session.State.Status);
        Assert.Equal(new FollowUp("Phoned; booked a review.", "staff-1", at), session.State.FollowUp);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new FollowUpReferral("Again.", "staff-1")).Kind);
        Assert.Equal(session.State.FollowUp, ConsentInterpreter.Replay(session.Workflow, session.Events).FollowUp);
    }

    [Fact]
    public void FollowUp_IsRefusedWithoutANote_AndOnASessionThatWasNotReferred()
    {
        Assert.Equal(RefusalKind.Invalid, Referred().Refuse(new FollowUpReferral(" ", "staff-1")).Kind);
        var inProgress = new SessionDriver();
        inProgress.Verify();
        Assert.Equal(RefusalKind.Conflict, inProgress.Refuse(new FollowUpReferral("Phoned.", "staff-1")).Kind);
    }

    private static SessionDriver Referred()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Accept(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = true, ["substance_use"] = false }));
        session.Accept(new ConfirmStop("refer-pregnancy"));
        Assert.Equal(SessionStatus.Referred, session.State.Status);
        return session;
    }
}
