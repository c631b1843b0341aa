using Consent.Workflows.Loading;
using CsCheck;

namespace Consent.Workflows.Tests.Loading;

/// <summary>The top-level <c>validity</c>, <c>notice</c>, <c>reconsent</c> and <c>changes</c> of a definition.</summary>
public sealed class ConsentTermsTests
{
    private const string V1 = "workflows/test-consent/v1.yaml";
    private const string V2 = "workflows/test-consent/v2.yaml";
    private const string After = "invitationValidFor: P7D\n";

    [Fact]
    public void WithoutTerms_TheConsentNeverExpiresAndNeedsNoReconsent()
    {
        var workflow = Repository.TestConsent.Definition;

        Assert.Null(workflow.Validity);
        Assert.Null(workflow.Notice);
        Assert.Equal(ReconsentRule.NotRequired, workflow.Reconsent);
        Assert.Null(workflow.Changes);
    }

    [Theory]
    [InlineData("P12M", 12, 0)]
    [InlineData("P1Y", 12, 0)]
    [InlineData("P1Y6M", 18, 0)]
    [InlineData("P2W3D", 0, 17)]
    [InlineData("P90D", 0, 90)]
    public void Validity_IsReadInCalendarMonthsAndDays(string written, int months, int days)
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + $"validity: {written}\n");

        var validity = Load(repository, V1).Validity!;

        Assert.Equal((months, days, written), (validity.Months, validity.Days, validity.Text));
    }

    [Fact]
    public void ValidityAndNotice_AreRead()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "validity: P12M\nnotice: P30D\n");

        var workflow = Load(repository, V1);

        Assert.Equal("P12M", workflow.Validity!.Text);
        Assert.Equal(30, workflow.Notice!.Days);
    }

    [Theory]
    [InlineData("12M")]
    [InlineData("P")]
    [InlineData("PT12H")]
    [InlineData("P1.5Y")]
    [InlineData("P1000D")]
    [InlineData("P1D1M")]
    public void AValidityThatIsNotAPeriodOfYearsMonthsWeeksOrDays_IsAnError(string written)
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + $"validity: \"{written}\"\n");

        AssertAt(Assert.Single(repository.Validate()), V1, 7, "'validity'");
    }

    [Fact]
    public void AZeroValidity_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "validity: P0M\n");

        AssertAt(Assert.Single(repository.Validate()), V1, 7, "validity P0M must be longer than zero");
    }

    [Fact]
    public void NoticeWithoutValidity_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "notice: P30D\n");

        AssertAt(Assert.Single(repository.Validate()), V1, 7, "'notice' needs 'validity'");
    }

    [Theory]
    [InlineData("P1M", "P1M")]
    [InlineData("P1M", "P28D")]
    [InlineData("P1Y", "P12M")]
    [InlineData("P30D", "P31D")]
    public void NoticeNotShorterThanValidity_IsAnError(string validity, string notice)
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + $"validity: {validity}\nnotice: {notice}\n");

        AssertAt(Assert.Single(repository.Validate()), V1, 8, $"notice {notice} must be shorter than validity {validity}");
    }

    [Theory]
    [InlineData("P1M", "P27D")]
    [InlineData("P1Y", "P11M")]
    public void NoticeShorterThanValidityFromAnyDate_IsAccepted(string validity, string notice)
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + $"validity: {validity}\nnotice: {notice}\n");

        Assert.Equal(notice, Load(repository, V1).Notice!.Text);
    }

    [Fact]
    public void ReconsentRequiredWithChanges_IsReadInEveryLanguage()
    {
        using var repository = new ScratchRepository();
        WriteVersion2(repository, "reconsent: required\nchanges: { en: \"A new risk.\", es: \"Un riesgo nuevo.\" }\n");

        var workflow = Load(repository, V2);

        Assert.Equal(ReconsentRule.Required, workflow.Reconsent);
        Assert.Equal("Un riesgo nuevo.", workflow.Changes!.For("es"));
    }

    [Fact]
    public void ChangesFromATemplate_AreRead()
    {
        using var repository = new ScratchRepository();
        WriteVersion2(repository, "reconsent: not-required\nchanges: templates/messages/pregnancy-referral\n");

        var workflow = Load(repository, V2);

        Assert.Equal(ReconsentRule.NotRequired, workflow.Reconsent);
        Assert.Equal("templates/messages/pregnancy-referral", workflow.Changes!.Template);
        Assert.False(string.IsNullOrWhiteSpace(workflow.Changes.For("en")));
    }

    [Fact]
    public void ReconsentRequiredWithoutChanges_IsAnError()
    {
        using var repository = new ScratchRepository();
        WriteVersion2(repository, "reconsent: required\n");

        AssertAt(Assert.Single(repository.Validate()), V2, 7, "'changes' is required with 'reconsent: required'");
    }

    [Fact]
    public void ReconsentNotRequired_NeedsNoChanges()
    {
        using var repository = new ScratchRepository();
        WriteVersion2(repository, "reconsent: not-required\n");

        Assert.Equal(ReconsentRule.NotRequired, Load(repository, V2).Reconsent);
    }

    [Fact]
    public void ReconsentInVersion1_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "reconsent: not-required\n");

        AssertAt(Assert.Single(repository.Validate()), V1, 7, "reconsent is only for version 2 or later");
    }

    [Fact]
    public void AnUnknownReconsentValue_IsAnError()
    {
        using var repository = new ScratchRepository();
        WriteVersion2(repository, "reconsent: maybe\n");

        AssertAt(Assert.Single(repository.Validate()), V2, 7, "'reconsent'");
    }

    [Fact]
    public void ChangesMissingALanguage_IsAnError()
    {
        using var repository = new ScratchRepository();
        WriteVersion2(repository, "reconsent: required\nchanges: { en: \"A new risk.\" }\n");

        AssertAt(Assert.Single(repository.Validate()), V2, 8, "the text has no 'es' version");
    }

    [Fact]
    public void TheTerms_AreInTheDefinitionHash()
    {
        using var repository = new ScratchRepository();
        var before = LoadWorkflow(repository, V1).Hash;
        repository.Edit(After, After + "validity: P12M\n");

        Assert.NotEqual(before, LoadWorkflow(repository, V1).Hash);
    }

    [Theory]
    [InlineData("2025-01-31T10:00:00+00:00", "P1M", "2025-02-28T10:00:00+00:00")]
    [InlineData("2028-01-31T10:00:00+00:00", "P1M", "2028-02-29T10:00:00+00:00")]
    [InlineData("2028-02-29T10:00:00-05:00", "P1Y", "2029-02-28T10:00:00-05:00")]
    [InlineData("2025-03-15T08:30:00+00:00", "P12M", "2026-03-15T08:30:00+00:00")]
    [InlineData("2025-01-31T00:00:00+00:00", "P1M2D", "2025-03-02T00:00:00+00:00")]
    [InlineData("2025-12-20T00:00:00+00:00", "P2W", "2026-01-03T00:00:00+00:00")]
    public void APeriod_AddsMonthsFirstPinnedToTheMonthsLastDay_ThenDays(string start, string period, string end)
    {
        var parsed = IsoDuration.ParsePeriod(period);

        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
            parsed.After(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void APeriodBefore_SubtractsMonthsThenDays()
    {
        var end = new DateTimeOffset(2026, 3, 31, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 2, 27, 9, 0, 0, TimeSpan.Zero), IsoDuration.ParsePeriod("P1M1D").Before(end));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), IsoDuration.ParsePeriod("P30D").Before(end));
    }

    [Fact]
    public void APeriodsLength_IsWithinItsShortestAndLongestDays_FromAnyStart()
    {
        var starts = Gen.Int[0, 146_096].Select(d => new DateTimeOffset(2000, 1, 1, 12, 0, 0, TimeSpan.Zero).AddDays(d));
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 40], starts).Sample((months, days, start) =>
        {
            var period = new CalendarPeriod(months, days, $"P{months}M{days}D");
            var length = (period.After(start) - start).TotalDays;

            Assert.InRange(length, period.ShortestDays, period.LongestDays);
        }, iter: 20_000);
    }

    /// <summary>Writes <c>v2.yaml</c>: the fixture's definition as version 2, with <paramref name="terms"/> after line 6.</summary>
    private static void WriteVersion2(ScratchRepository repository, string terms)
    {
        var text = repository.Definition.Replace("version: 1\n", "version: 2\n", StringComparison.Ordinal)
            .Replace(After, After + terms, StringComparison.Ordinal);
        File.WriteAllText(repository.PathOf(V2), text);
    }

    private static WorkflowDefinition Load(ScratchRepository repository, string file) => LoadWorkflow(repository, file).Definition;

    private static LoadedWorkflow LoadWorkflow(ScratchRepository repository, string file)
    {
        var load = WorkflowCatalog.Load(repository.Root);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!.Workflows.Single(w => w.SourcePath == file);
    }

    private static void AssertAt(WorkflowError error, string file, int line, string message)
    {
        Assert.Equal(file, error.File);
        Assert.True(line == error.Line, $"expected line {line}: {error}");
        Assert.Null(error.StepId);
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"expected '{message}' in: {error}");
    }
}
