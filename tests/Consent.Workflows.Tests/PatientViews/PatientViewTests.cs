using System.Text.Json;

namespace Consent.Workflows.Tests.PatientViews;

public sealed class PatientViewTests
{
    [Fact]
    public void Disclosure_IsRenderedWithHeadingAsTitle_BodyWithoutIt_AndItsContentHash()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen();

        var view = PatientView.Render(session.Workflow, session.State, "en");

        Assert.Equal("InProgress", view.SessionStatus);
        Assert.Equal("dissociation", view.Step?.Id);
        Assert.Equal("disclosure", view.Step?.Type);
        Assert.Equal("Feeling detached", view.Step?.Title);
        Assert.StartsWith("Ketamine can make you feel **detached**", view.Step?.Body, StringComparison.Ordinal);
        Assert.Equal("checkbox", view.Step?.Acknowledge);
        Assert.Equal(session.HashOf("dissociation"), view.Step?.ContentHash);
        Assert.Equal(new PatientProgressView(2, 7), view.Progress);
    }

    [Fact]
    public void ContentHash_IsTheSha256OfTheTemplateFileShown()
    {
        var path = Path.Combine(Repository.FixtureRoot, "templates", "disclosures", "es", "driving.md");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

        Assert.Equal(expected, ContentHashes.For(Repository.TestConsent.Definition.FindStep("driving")!, "es"));
    }

    [Fact]
    public void Questions_AreRenderedInTheSessionLanguage()
    {
        var session = new SessionDriver(language: "es");
        session.Verify();

        var view = PatientView.Render(session.Workflow, session.State, "es");

        Assert.Equal("Primero, unas preguntas", view.Step?.Title);
        var heardFrom = Assert.Single(view.Step!.Questions!, q => q.Id == "heard_from");
        Assert.Equal("single-choice", heardFrom.Kind);
        Assert.Equal(["Mi médico", "Otro"], heardFrom.Options!.Select(o => o.Label));
        Assert.Null(view.Step.Questions![0].Options);
    }

    [Fact]
    public void Comprehension_NeverRendersAnswersOrReviews()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen();
        session.Acknowledge("dissociation");
        session.Acknowledge("driving", "MJN");

        var view = PatientView.Render(session.Workflow, session.State, "en");
        var json = JsonSerializer.Serialize(view);

        Assert.Equal("comprehension", view.Step?.Type);
        Assert.Equal(2, view.Step?.Questions?.Count);
        Assert.DoesNotContain("answer", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("review", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Signature_SaysWhatItWaitsFor()
    {
        var session = new SessionDriver().ToSignature(substanceUse: true);
        session.Accept(new AskQuestion("sign", "Will it hurt?"));

        var view = PatientView.Render(session.Workflow, session.State, "en");

        Assert.Equal("signature", view.Step?.Type);
        Assert.StartsWith("I have read and understood", view.Step?.Statement, StringComparison.Ordinal);
        Assert.Contains("talk with you", view.Step?.WaitingFor, StringComparison.Ordinal);
        Assert.Contains("answered your questions", view.Step?.WaitingFor, StringComparison.Ordinal);

        session.Accept(new RecordDiscussion("Discussed.", "staff-1"), "staff-1");
        session.Accept(new AnswerQuestion("q1", "A little pinch.", "staff-1"), "staff-1");
        Assert.Null(PatientView.Render(session.Workflow, session.State, "en").Step?.WaitingFor);
    }

    [Fact]
    public void Referral_ShowsTheStopMessage_AndNothingToDo()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen(pregnant: true);
        session.Accept(new ConfirmStop("refer-pregnancy"));

        var view = PatientView.Render(session.Workflow, session.State, "en");

        Assert.Equal("Referred", view.SessionStatus);
        Assert.Null(view.Step);
        Assert.StartsWith("Ketamine is not used in pregnancy", view.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterSigning_NoStepIsLeftForThePatient()
    {
        var session = new SessionDriver().ToSignature();
        session.Sign();

        var view = PatientView.Render(session.Workflow, session.State, "en");

        Assert.Equal("AwaitingCountersign", view.SessionStatus);
        Assert.Null(view.Step);
    }
}
