namespace Consent.Workflows.Tests.Sessions;

/// <summary>
/// The signature's name check accepts real names the way people type them, and never stops a patient:
/// a name that differs is recorded, and the countersigning clinician confirms who signed.
/// </summary>
public sealed class NameCheckTests
{
    [Theory]
    [InlineData("María José García López", "María José García López", NameCheck.Same)]
    [InlineData("maria jose garcia lopez", "María José García López", NameCheck.Same)]
    [InlineData("Maria Garcia", "María José García López", NameCheck.FirstAndFamily)]
    [InlineData("Maria Lopez", "María José García López", NameCheck.FirstAndFamily)]
    [InlineData("Maria Garcia Lopez", "María José García López", NameCheck.FirstAndFamily)]
    [InlineData("Robert O\u2019Neil", "Robert O'Neil", NameCheck.Same)]
    [InlineData("Robert O'Neil", "Robert O\u2019Neil", NameCheck.Same)]
    [InlineData("Robert ONeil", "Robert O'Neil", NameCheck.Same)]
    [InlineData("Anne-Marie Smith Jones", "Anne Marie Smith-Jones", NameCheck.Same)]
    [InlineData("Anne\u2010Marie Smith", "Anne-Marie Smith", NameCheck.Same)]
    [InlineData("Jose Garcia", "María José García López", NameCheck.Different)]
    [InlineData("Maria", "María José García López", NameCheck.Different)]
    [InlineData("Maria Perez", "María José García López", NameCheck.Different)]
    [InlineData("Someone Else", "María José García López", NameCheck.Different)]
    [InlineData("Jane Doe\uFE0F", "Jane Doe", NameCheck.Different)]
    [InlineData("   ", "Jane Doe", NameCheck.Different)]
    public void Names_CompareAsAPersonWould(string typed, string registered, NameCheck expected)
    {
        Assert.Equal(expected, PersonNames.Compare(typed, registered));
    }

    [Fact]
    public void AMatchingName_IsSignedAsBefore_WithNoMismatchRecorded()
    {
        var session = new SessionDriver { RegisteredName = "María José García López" }.ToSignature();

        var signed = Assert.Single(session.Accept(new SignAsPatient("sign", "Maria Garcia", true, [], session.RegisteredName)));

        Assert.False(signed.Payload.ContainsKey("nameMatches"));
        Assert.True(session.State.PatientSignature!.NameMatches);
        session.Accept(new Countersign("staff-1", true), "staff-1");
        Assert.False(session.Events[^1].Payload.ContainsKey("nameConfirmed"));
    }

    [Fact]
    public void ADifferentName_IsSigned_AndFlagged_AndTheClinicianMustConfirmWhoSigned()
    {
        var session = new SessionDriver { RegisteredName = "María José García López" }.ToSignature();

        var signed = Assert.Single(session.Accept(new SignAsPatient("sign", "Pepa Garcia", true, [], session.RegisteredName)));

        Assert.False(signed.Payload["nameMatches"]!.GetValue<bool>());
        Assert.Equal(SessionStatus.AwaitingCountersign, session.State.Status);
        Assert.False(session.State.PatientSignature!.NameMatches);
        var refused = session.Refuse(new Countersign("staff-1", true));
        Assert.Equal(RefusalKind.Invalid, refused.Kind);
        Assert.Contains("Pepa Garcia", refused.Reason, StringComparison.Ordinal);

        session.Accept(new Countersign("staff-1", true, NameConfirmed: true), "staff-1");

        Assert.True(session.Events[^1].Payload["nameConfirmed"]!.GetValue<bool>());
        var replayed = ConsentInterpreter.Replay(session.Workflow, session.Events);
        Assert.False(replayed.PatientSignature!.NameMatches);
        Assert.True(replayed.Countersignature!.NameConfirmed);
        Assert.Equal(SessionStatus.Completed, replayed.Status);
    }
}
