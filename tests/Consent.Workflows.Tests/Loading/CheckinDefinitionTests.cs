namespace Consent.Workflows.Tests.Loading;

/// <summary>What a check-in definition must be, and what a consent must not hold: the checks of each kind.</summary>
public sealed class CheckinDefinitionTests
{
    private const string Checkin = "workflows/test-checkin/v1.yaml";

    [Fact]
    public void TheFixtureCheckin_Loads()
    {
        using var repository = WithCheckin();

        Assert.Empty(repository.Validate());
    }

    [Fact]
    public void ACheckinWithoutRequires_IsAnError()
    {
        using var repository = WithCheckin();
        repository.EditCheckin("requires: test-consent\n", "");

        var error = Assert.Single(repository.Validate());

        Assert.Equal((Checkin, 4), (error.File, error.Line));
        Assert.Contains("'requires' is required with 'kind: checkin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiresNamingAnUnknownWorkflow_IsAnError()
    {
        using var repository = WithCheckin();
        repository.EditCheckin("requires: test-consent", "requires: no-such-consent");

        var error = Assert.Single(repository.Validate());

        Assert.Equal((Checkin, 5), (error.File, error.Line));
        Assert.Contains("requires 'no-such-consent', which is not a workflow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiresNamingACheckin_IsAnError()
    {
        using var repository = WithCheckin();
        var other = repository.PathOf("workflows/other-checkin/v1.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(other)!);
        File.WriteAllText(other, File.ReadAllText(repository.CheckinPath).Replace("id: test-checkin", "id: other-checkin", StringComparison.Ordinal));
        repository.EditCheckin("requires: test-consent", "requires: other-checkin");

        var error = Assert.Single(repository.Validate());

        Assert.Equal((Checkin, 5), (error.File, error.Line));
        Assert.Contains("requires 'other-checkin', which is a checkin workflow, not a consent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - { id: sign, type: signature, statement: { en: I sign, es: Firmo } }\n", "a check-in has no signature step")]
    [InlineData("  - { id: countersign, type: countersign, statement: { en: I attest, es: Doy fe } }\n", "a check-in has no countersign step")]
    [InlineData("  - { id: ask, type: ask, text: { en: Ask, es: Pregunte } }\n", "a check-in has no ask step")]
    [InlineData("  - { id: refer, type: stop, when: \"crisis\", outcome: referred, message: { en: Stop, es: Pare } }\n", "a check-in has no stop step")]
    public void StepsOfAConsent_AreErrorsInACheckin(string step, string message)
    {
        using var repository = WithCheckin();
        File.AppendAllText(repository.CheckinPath, step);

        Assert.Contains(repository.Validate(), e => e.File == Checkin && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ACheckinWithoutAnAffirmation_IsAnError()
    {
        using var repository = WithCheckin();
        repository.EditCheckin("  - { id: still-agree, type: affirmation, statement: { en: \"I still agree to this treatment today.\", es: \"Sigo de acuerdo con este tratamiento hoy.\" } }\n", "");

        Assert.Contains(repository.Validate(), e => e.Message.Contains("exactly one affirmation step (found 0)", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoAffirmations_AreAnError()
    {
        using var repository = WithCheckin();
        File.AppendAllText(repository.CheckinPath, "  - { id: again, type: affirmation, statement: { en: Yes, es: Sí } }\n");

        Assert.Contains(repository.Validate(), e => e.Message.Contains("exactly one affirmation step (found 2)", StringComparison.Ordinal));
    }

    [Fact]
    public void QuestionsAfterTheAffirmation_AreAnError()
    {
        using var repository = WithCheckin();
        File.AppendAllText(repository.CheckinPath, "  - id: late\n    type: questions\n    questions:\n      - { id: late_q, kind: yes-no, text: { en: Late?, es: ¿Tarde? } }\n");

        Assert.Contains(repository.Validate(), e => e.StepId == "late" && e.Message.Contains("the affirmation step comes after every questions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("  - { id: extra, type: affirmation, statement: { en: Yes, es: Sí } }\n", "a affirmation step belongs in a check-in")]
    [InlineData("  - id: extra\n    type: staff-check\n    fields:\n      - { id: ok, kind: yes-no, label: { en: OK, es: Bien } }\n", "a staff-check step belongs in a check-in")]
    public void CheckinSteps_AreErrorsInAConsent(string step, string message)
    {
        using var repository = new ScratchRepository();
        repository.Edit("  - { id: sign, type: signature", step + "  - { id: sign, type: signature");

        Assert.Contains(repository.Validate(), e => e.StepId == "extra" && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("min: 60, max: 260", "min: 260, max: 60", "max 60 must be more than min 260")]
    [InlineData("min: 60, max: 260", "max: 260", "Required properties")]
    [InlineData("{ id: ride_confirmed, kind: yes-no,", "{ id: ride_confirmed, kind: yes-no, unit: km,", "step 'vitals'")]
    [InlineData("{ id: bp_diastolic,", "{ id: crisis,", "question id 'crisis' is used by an earlier question")]
    [InlineData("when: \"crisis\"", "when: \"bp_systolic\"", "must be true or false")]
    [InlineData("when: \"crisis\"", "when: \"bp_systolic >= 'high'\"", "compare a staff check's number with a number")]
    public void StaffCheckFieldsAndThresholds_AreChecked(string old, string replacement, string message)
    {
        using var repository = WithCheckin();
        repository.EditCheckin(old, replacement);

        var errors = repository.Validate();

        Assert.True(errors.Any(e => e.File == Checkin && e.ToString().Contains(message, StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Fact]
    public void APatientStepsCondition_CannotReadAStaffValue()
    {
        using var repository = WithCheckin();
        repository.EditCheckin("  - id: hold-blood-pressure", "  - { id: bp-page, type: disclosure, when: \"bp_systolic > 140\", content: dissociation, acknowledge: checkbox }\n  - id: hold-blood-pressure");

        Assert.Contains(repository.Validate(), e => e.StepId == "bp-page" && e.Message.Contains("'bp_systolic' is not an answer given in an earlier step", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAffirmationAndStaffChecks_CannotBeConditional()
    {
        using var repository = WithCheckin();
        repository.EditCheckin("type: affirmation,", "type: affirmation, when: \"ride_home\",");

        Assert.Contains(repository.Validate(), e => e.StepId == "still-agree" && e.Message.Contains("cannot be conditional", StringComparison.Ordinal));
    }

    private static ScratchRepository WithCheckin()
    {
        var repository = new ScratchRepository();
        repository.AddCheckin();
        return repository;
    }
}
