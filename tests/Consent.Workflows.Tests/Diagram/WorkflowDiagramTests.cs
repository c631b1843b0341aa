namespace Consent.Workflows.Tests.Diagram;

public sealed class WorkflowDiagramTests
{
    private static readonly WorkflowDefinition Workflow = Repository.TestConsent.Definition;

    [Fact]
    public void ToMermaid_IsATopDownFlowchart_WithEveryStep()
    {
        var mermaid = WorkflowDiagram.ToMermaid(Workflow);

        Assert.StartsWith("flowchart TD\n", mermaid, StringComparison.Ordinal);
        foreach (var step in Workflow.Steps)
        {
            Assert.Contains(step.Id, mermaid, StringComparison.Ordinal);
        }
        Assert.Contains("done([\"Completed\"])", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMermaid_DrawsConditionsWithSkipEdges_StopsAndHolds()
    {
        var mermaid = WorkflowDiagram.ToMermaid(Workflow);
        var stop = Workflow.IndexOf("refer-pregnancy");
        var quiz = Workflow.IndexOf("understanding");

        Assert.Contains($"c{stop}{{\"when pregnant\"}}", mermaid, StringComparison.Ordinal);
        Assert.Contains($"c{stop} -.->|\"no: skip\"|", mermaid, StringComparison.Ordinal);
        Assert.Contains($"s{stop} --> end{stop}(((\"Referred\")))", mermaid, StringComparison.Ordinal);
        Assert.Contains("hold: clinician discussion", mermaid, StringComparison.Ordinal);
        Assert.Contains($"s{quiz} -.->|\"fails 2 times\"| h{quiz}", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMermaid_EscapesLabels()
    {
        var hostile = Workflow with
        {
            Title = LocalizedText.Inline(("en", "A \"quoted\" <script>alert(1)</script> | [x] {y} #z;")),
        };

        var first = WorkflowDiagram.ToMermaid(hostile).Split('\n')[1];

        Assert.DoesNotContain("<script>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("\"quoted\"", first, StringComparison.Ordinal);
        Assert.Contains("#34;quoted#34;", first, StringComparison.Ordinal);
        Assert.Contains("#60;script#62;", first, StringComparison.Ordinal);
        Assert.Equal(2, first.Count(c => c == '"'));
    }

    [Fact]
    public void ToMermaid_WorksForTheRepositoryWorkflows()
    {
        var load = WorkflowCatalog.Load(RepositoryRoot.Path);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        Assert.NotEmpty(load.Catalog!.Workflows);
        foreach (var workflow in load.Catalog.Workflows)
        {
            var mermaid = WorkflowDiagram.ToMermaid(workflow.Definition);
            Assert.All(workflow.Definition.Steps, s => Assert.Contains(s.Id, mermaid, StringComparison.Ordinal));
        }
    }
}
