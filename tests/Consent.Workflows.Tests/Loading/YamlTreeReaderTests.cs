using Consent.Workflows.Loading;

namespace Consent.Workflows.Tests.Loading;

public sealed class YamlTreeReaderTests
{
    [Fact]
    public void PlainScalars_FollowTheYaml12CoreSchema()
    {
        var tree = YamlTreeReader.Read("a: yes\nb: true\nc: 12\nd: '12'\ne: ~\nf: no\n", out var error);

        Assert.Null(error);
        Assert.Equal("""{"a":"yes","b":true,"c":12,"d":"12","e":null,"f":"no"}""", CanonicalJson.Write(tree.Root));
        Assert.Equal(3, tree.LineOf("/c"));
        Assert.Equal(3, tree.LineOf("/c/deeper"));
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", 2, "appears twice")]
    [InlineData("a: 1\n---\nb: 2\n", 2, "one YAML document")]
    [InlineData("a: !!python/object 1\n", 1, "tags")]
    [InlineData("a: [1, 2\n", 2, "YAML syntax error")]
    [InlineData("", 1, "empty")]
    public void BadYaml_IsAnErrorAtItsLine(string yaml, int line, string message)
    {
        YamlTreeReader.Read(yaml, out var error);

        Assert.NotNull(error);
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VeryDeepFlowNesting_StopsAtTheLimitWithoutExhaustingTheStack()
    {
        var yaml = "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        YamlTreeReader.Read(yaml, out var error);

        Assert.Contains("nesting deeper than 32", error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefinitionThroughASymlinkedFolder_IsRefused()
    {
        using var repository = new ScratchRepository();
        var outside = repository.PathOf("elsewhere");
        Directory.Move(repository.PathOf("workflows/test-consent"), outside);
        Directory.CreateSymbolicLink(repository.PathOf("workflows/test-consent"), outside);

        var error = Assert.Single(repository.Validate());

        Assert.Contains("inside workflows/", error.Message, StringComparison.Ordinal);
    }
}
