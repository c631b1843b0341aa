namespace Consent.Workflows.Tests.Loading;

public sealed class BadDefinitionTests
{
    private const string File = "workflows/test-consent/v1.yaml";

    [Fact]
    public void TheFixtureRepository_IsValid()
    {
        using var repository = new ScratchRepository();

        Assert.Empty(repository.Validate());
    }

    [Fact]
    public void DuplicateStepId_IsNamedWithFileLineAndStep()
    {
        using var repository = new ScratchRepository();
        repository.Edit("{ id: driving,", "{ id: dissociation,");

        var errors = repository.Validate();

        AssertAt(errors[0], 30, "dissociation", "step id 'dissociation' is used by an earlier step");
    }

    [Fact]
    public void DuplicateQuestionId_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("- id: q_feel", "- id: pregnant");

        AssertAt(Assert.Single(repository.Validate()), 54, "understanding", "question id 'pregnant'");
    }

    [Fact]
    public void UnknownStepType_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("type: discussion", "type: chat");

        var errors = repository.Validate();

        Assert.Contains(errors, e => e.Line == 33 && e.StepId == "discuss-substance-use" && e.Message.Contains("unknown step type", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal(File, e.File));
    }

    [Fact]
    public void UnknownField_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("acknowledge: initials }", "acknowledge: initials, colour: red }");

        AssertAt(Assert.Single(repository.Validate()), 30, "driving", "unknown field 'colour'");
    }

    [Fact]
    public void ConditionThatDoesNotParse_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("when: \"pregnant\"", "when: \"pregnant ==\"");

        AssertAt(Assert.Single(repository.Validate()), 26, "refer-pregnancy", "not a valid expression");
    }

    [Fact]
    public void ConditionWithAFunction_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("when: \"pregnant\"", "when: \"Abs(1) == 1\"");

        var error = Assert.Single(repository.Validate(), e => e.Message.Contains("functions", StringComparison.Ordinal));
        AssertAt(error, 26, "refer-pregnancy", "functions are not allowed");
    }

    [Fact]
    public void ConditionOnALaterAnswer_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("{ id: identity, type: identity, maxAttempts: 3 }",
            "{ id: identity, type: identity, maxAttempts: 3 }\n  - { id: early, type: disclosure, when: \"substance_use\", content: driving, acknowledge: checkbox }");

        AssertAt(Assert.Single(repository.Validate()), 10, "early", "'substance_use' is not an answer given in an earlier step");
    }

    [Fact]
    public void MissingTemplateLanguage_IsAnError()
    {
        using var repository = new ScratchRepository();
        System.IO.File.Delete(repository.PathOf("templates/disclosures/es/driving.md"));

        AssertAt(Assert.Single(repository.Validate()), 30, "driving", "templates/disclosures/es/driving.md does not exist");
    }

    [Fact]
    public void MissingInlineLanguage_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("text: { en: \"Anything else?\", es: \"¿Algo más?\" }", "text: { en: \"Anything else?\" }");

        AssertAt(Assert.Single(repository.Validate()), 23, "screening", "no 'es' version");
    }

    [Theory]
    [InlineData("templates/messages/../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("templates/Messages/pregnancy-referral")]
    public void TemplateReferenceLeavingTemplates_IsAnError(string reference)
    {
        using var repository = new ScratchRepository();
        repository.Edit("message: templates/messages/pregnancy-referral", $"message: \"{reference}\"");

        var errors = repository.Validate();

        Assert.NotEmpty(errors);
        Assert.All(errors, e => AssertAt(e, 28, "refer-pregnancy", ""));
    }

    [Fact]
    public void DisclosureContentWithDots_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("content: driving,", "content: ../../workflows/x,");

        AssertAt(Assert.Single(repository.Validate()), 30, "driving", "content");
    }

    [Fact]
    public void TemplateSymlinkOutsideTemplates_IsAnError()
    {
        using var repository = new ScratchRepository();
        var outside = repository.PathOf("secret.md");
        System.IO.File.WriteAllText(outside, "# Secret\n");
        var link = repository.PathOf("templates/disclosures/en/driving.md");
        System.IO.File.Delete(link);
        System.IO.File.CreateSymbolicLink(link, outside);

        AssertAt(Assert.Single(repository.Validate()), 30, "driving", "leads outside templates/");
    }

    [Fact]
    public void AliasBomb_IsRefusedAtTheFirstAnchor()
    {
        using var repository = new ScratchRepository();
        repository.Definition = System.IO.File.ReadAllText(Repository.FixturePath("bad", "alias-bomb.yaml"));

        AssertAt(Assert.Single(repository.Validate()), 4, null, "anchors");
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        using var repository = new ScratchRepository();
        repository.Definition = System.IO.File.ReadAllText(Repository.FixturePath("bad", "deep-nesting.yaml"));

        AssertAt(Assert.Single(repository.Validate()), 6, null, "nesting deeper than 32");
    }

    [Fact]
    public void HugeScalar_IsRefused()
    {
        using var repository = new ScratchRepository();
        repository.Edit("Test consent,", new string('x', 30_000) + ",");

        AssertAt(Assert.Single(repository.Validate()), 4, null, "longer than 20000 characters");
    }

    [Fact]
    public void HugeFile_IsRefused()
    {
        using var repository = new ScratchRepository();
        repository.Definition += "\n# " + new string('x', 300_000) + "\n";

        AssertAt(Assert.Single(repository.Validate()), 1, null, "larger than 256 KiB");
    }

    [Fact]
    public void QuizAnswerThatIsNotAnOption_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("answer: \"no\"", "answer: \"maybe\"");

        AssertAt(Assert.Single(repository.Validate()), 52, "understanding", "answer 'maybe' is not one of the option values");
    }

    [Fact]
    public void ReviewOfALaterStep_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit("review: driving", "review: questions");

        AssertAt(Assert.Single(repository.Validate()), 53, "understanding", "earlier disclosure");
    }

    [Fact]
    public void IdOtherThanTheFolderName_AndVersionOtherThanTheFileName_AreErrors()
    {
        using var repository = new ScratchRepository();
        repository.Edit("id: test-consent", "id: other-consent");
        repository.Edit("version: 1", "version: 2");

        var errors = repository.Validate();

        Assert.Contains(errors, e => e.Line == 2 && e.Message.Contains("folder name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 3 && e.Message.Contains("must equal the file name", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingCountersign_AndIdentityNotFirst_AreErrors()
    {
        using var repository = new ScratchRepository();
        repository.Edit("  - { id: countersign, type: countersign, statement: templates/statements/clinician-attestation }\n", "");
        repository.Edit("  - { id: identity, type: identity, maxAttempts: 3 }\n", "");

        var errors = repository.Validate();

        Assert.Contains(errors, e => e.Message.Contains("first step must be the identity step", StringComparison.Ordinal) && e.StepId == "screening");
        Assert.Contains(errors, e => e.Message.Contains("exactly one countersign step", StringComparison.Ordinal));
    }

    [Fact]
    public void DisclosureWithoutHeading_IsAnError()
    {
        using var repository = new ScratchRepository();
        System.IO.File.WriteAllText(repository.PathOf("templates/disclosures/en/driving.md"), "Do not drive.\n");

        AssertAt(Assert.Single(repository.Validate()), 30, "driving", "must start with a '# Title' line");
    }

    [Fact]
    public void StrayFileInAWorkflowFolder_IsAnError()
    {
        using var repository = new ScratchRepository();
        System.IO.File.WriteAllText(repository.PathOf("workflows/test-consent/v2.yml"), "id: x\n");

        var error = Assert.Single(repository.Validate());
        Assert.Equal("workflows/test-consent/v2.yml", error.File);
    }

    private static void AssertAt(WorkflowError error, int line, string? stepId, string message)
    {
        Assert.Equal(File, error.File);
        Assert.True(line == error.Line, $"expected line {line}: {error}");
        Assert.True(stepId == error.StepId, $"expected step {stepId}: {error}");
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"expected '{message}' in: {error}");
    }
}
