using System.Net;
using Consent.Testing;
using Consent.Web.Tests.Infrastructure;
using Consent.Workflows;

namespace Consent.Web.Tests.Workflows;

/// <summary>
/// Issue 13: the reviewer sees a version's consent terms and approves them with it: how long a consent
/// stays valid and its notice, whether patients must consent again, and the version's own summary of
/// what changed, in every language. On the shipped esketamine versions: version 2 has all of them,
/// version 1 none.
/// </summary>
public sealed class ReviewedTermsTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task AVersionRequiringReconsent_ShowsItsTermsAndItsSummaryInEveryLanguage()
    {
        var changes = WorkflowCatalog.Load(RepositoryRoot.Path).Catalog!.Find("esketamine-nasal-trd", 2)!.Definition.Changes!;
        using var reviewer = await PageForms.SignedInAsync(factory, Staff.Reviewer);

        var page = WebUtility.HtmlDecode(await reviewer.GetStringAsync("/review/esketamine-nasal-trd/2"));

        Assert.Contains("P12M (ISO 8601) after signing; it counts as expiring in the last P30D", page, StringComparison.Ordinal);
        Assert.Contains("Required: patients who signed an earlier version must sign this one", page, StringComparison.Ordinal);
        Assert.Contains("The version's own summary of what changed and why", page, StringComparison.Ordinal);
        Assert.Contains("We added one page about the SPRAVATO REMS.", changes.For("en"), StringComparison.Ordinal);
        Assert.Contains("Agregamos una página sobre el programa REMS de SPRAVATO.", changes.For("es"), StringComparison.Ordinal);
        Assert.Contains(changes.For("en"), page, StringComparison.Ordinal);
        Assert.Contains(changes.For("es"), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFirstVersionWithoutTerms_SaysItNeverExpires_AndHasNoSummary()
    {
        using var reviewer = await PageForms.SignedInAsync(factory, Staff.Reviewer);

        var page = WebUtility.HtmlDecode(await reviewer.GetStringAsync("/review/esketamine-nasal-trd/1"));

        Assert.Contains("No end: a consent signed on this version does not expire", page, StringComparison.Ordinal);
        Assert.Contains("Not applicable: the first version", page, StringComparison.Ordinal);
        Assert.DoesNotContain("The version's own summary", page, StringComparison.Ordinal);
    }
}
