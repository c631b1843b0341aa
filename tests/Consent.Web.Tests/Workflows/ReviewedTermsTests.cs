using System.Net;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Workflows;

/// <summary>A copy of the repository with an esketamine version 2 that has validity, notice, reconsent and changes.</summary>
public sealed class ReconsentVersionFactory() : CopiedRepositoryFactory(WriteVersion2)
{
    private static void WriteVersion2(string root)
    {
        var folder = Path.Combine(root, "workflows", "esketamine-nasal-trd");
        var v1 = File.ReadAllText(Path.Combine(folder, "v1.yaml"));
        var v2 = v1.Replace("version: 1\n", """
            version: 2
            validity: P12M
            notice: P30D
            reconsent: required
            changes:
              en: "A new part says that the clinic enrolls you in the SPRAVATO REMS."
              es: "Una parte nueva dice que la clínica lo inscribe en el programa REMS de SPRAVATO."

            """.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotEqual(v1, v2);
        File.WriteAllText(Path.Combine(folder, "v2.yaml"), v2);
    }
}

/// <summary>
/// Issue 13: the reviewer sees a version's consent terms and approves them with it: how long a consent
/// stays valid and its notice, whether patients must consent again, and the version's own summary of
/// what changed, in every language.
/// </summary>
public sealed class ReviewedTermsTests(ReconsentVersionFactory factory) : IClassFixture<ReconsentVersionFactory>
{
    [Fact]
    public async Task AVersionRequiringReconsent_ShowsItsTermsAndItsSummaryInEveryLanguage()
    {
        using var reviewer = await PageForms.SignedInAsync(factory, Staff.Reviewer);

        var page = WebUtility.HtmlDecode(await reviewer.GetStringAsync("/review/esketamine-nasal-trd/2"));

        Assert.Contains("P12M (ISO 8601) after signing; it counts as expiring in the last P30D", page, StringComparison.Ordinal);
        Assert.Contains("Required: patients who signed an earlier version must sign this one", page, StringComparison.Ordinal);
        Assert.Contains("The version's own summary of what changed and why", page, StringComparison.Ordinal);
        Assert.Contains("A new part says that the clinic enrolls you in the SPRAVATO REMS.", page, StringComparison.Ordinal);
        Assert.Contains("Una parte nueva dice que la clínica lo inscribe en el programa REMS de SPRAVATO.", page, StringComparison.Ordinal);
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
