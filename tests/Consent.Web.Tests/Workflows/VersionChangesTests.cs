using Consent.Testing;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;

namespace Consent.Web.Tests.Workflows;

/// <summary>The reviewer's diff against the previous version: only what changed, line by line, per language.</summary>
public sealed class VersionChangesTests
{
    private static readonly Lazy<WorkflowDefinition> Shipped = new(() =>
        WorkflowCatalog.Load(RepositoryRoot.Path).Catalog!.Find("ketamine-iv-depression", 1)!.Definition);

    [Fact]
    public void Lines_MarksWhatWasRemovedAndAdded_InReadingOrder()
    {
        var diff = VersionChanges.Lines("one\ntwo\nthree", "one\nTWO\nthree\nfour");

        Assert.Equal(
            [
                new DiffLine(LineChange.Same, "one"),
                new DiffLine(LineChange.Removed, "two"),
                new DiffLine(LineChange.Added, "TWO"),
                new DiffLine(LineChange.Same, "three"),
                new DiffLine(LineChange.Added, "four"),
            ],
            diff);
    }

    [Fact]
    public void TheSameVersionAgain_HasNoChanges()
    {
        Assert.Empty(VersionChanges.Between(Shipped.Value, Shipped.Value with { Version = 2 }));
    }

    [Fact]
    public void ANewVersion_ListsTheChangedTextInItsLanguageOnly_TheAddedAndTheRemovedSteps_AndAChangedCondition()
    {
        var v1 = Shipped.Value;
        var dissociation = (DisclosureStep)v1.FindStep("dissociation")!;
        var driving = v1.FindStep("driving")!;
        var psychosis = (StopStep)v1.FindStep("refer-psychosis")!;
        var extra = dissociation with { Id = "sleep", Title = LocalizedText.Inline(("en", "Sleep"), ("es", "Sueño")), Body = LocalizedText.Inline(("en", "You may feel sleepy."), ("es", "Puede sentir sueño.")) };
        var steps = v1.Steps
            .Where(s => s.Id != driving.Id)
            .Select(s => s.Id == dissociation.Id
                ? dissociation with { Body = LocalizedText.Inline(("en", dissociation.Body.For("en").TrimEnd() + "\nIt passes within two hours."), ("es", dissociation.Body.For("es"))) }
                : s.Id == psychosis.Id ? psychosis with { When = Condition.Parse("psychosis or heart_condition", out _) } : s)
            .Append(extra)
            .ToList();
        var v2 = v1 with { Version = 2, Steps = [.. steps] };

        var changes = VersionChanges.Between(v1, v2);

        var changed = Assert.Single(changes, c => c.StepId == "dissociation");
        Assert.Equal("changed", changed.Kind);
        var english = Assert.Single(changed.Texts).Value;
        Assert.Equal(new DiffLine(LineChange.Added, "It passes within two hours."), Assert.Single(english, l => l.Change != LineChange.Same));
        Assert.Equal("added", Assert.Single(changes, c => c.StepId == "sleep").Kind);
        Assert.Equal("removed", Assert.Single(changes, c => c.StepId == "driving").Kind);
        Assert.Equal("stop, when psychosis → stop, when psychosis or heart_condition", Assert.Single(changes, c => c.StepId == "refer-psychosis").Condition);
        Assert.Equal(4, changes.Count);
    }
}
