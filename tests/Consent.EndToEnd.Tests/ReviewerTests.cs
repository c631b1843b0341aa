using Consent.EndToEnd.Tests.Infrastructure;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The ethics reviewer reads a version side by side and retires it. Retiring is for good, so this
/// test has a service of its own: in the shared one, every later test that starts that workflow
/// would depend on running before it.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ReviewerTests(OwnServiceHost host) : IClassFixture<OwnServiceHost>
{
    [Fact]
    public async Task Reviewer_SeesEveryTextPerLanguageAndTheFlow_AndRetiresAVersionWithAComment()
    {
        await using var context = await host.NewContextAsync(Screen.Desktop);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Reviewer);
        var check = new PageCheck(page, "reviewer", axe: true);
        await page.GotoAsync("/review");
        await check.CaptureAsync(page, "versions");

        await page.ClickAndLoadAsync("a[href='/review/ketamine-chronic-pain/1']");
        Assert.True(await page.Locator(".side-by-side [lang=es]").CountAsync() > 10, "Spanish texts beside the English ones");
        Assert.Contains("reading level", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("This is the first version of this workflow", await page.InnerTextAsync("#changes-heading + p"), StringComparison.Ordinal);
        Assert.Contains("flowchart", await page.TextContentAsync("#diagram-source") ?? "", StringComparison.Ordinal);
        Assert.Contains("only when", await page.InnerTextAsync(".step-flow"), StringComparison.Ordinal);

        // The diagram is drawn by the Mermaid shipped with the service (no other origin is asked), the source kept beside it.
        await page.Locator("#diagram svg").WaitForAsync();
        Assert.True(await page.Locator("#diagram svg .node").CountAsync() > 5, "the diagram has the steps as nodes");
        Assert.Equal(1, await page.Locator("script[src^='/lib/mermaid/mermaid.min.js']").CountAsync());
        Assert.Equal(0, await page.Locator("script[src^='http']").CountAsync());

        // Contents first, the two reading scales in a line each, the decision form last.
        var sections = await page.Locator("main > nav, main > section").EvaluateAllAsync<string[]>("all => all.map(e => e.getAttribute('aria-labelledby'))");
        Assert.Equal("contents-heading", sections[0]);
        Assert.Equal("decide-heading", sections[^1]);
        Assert.Equal(2, await page.Locator("#scales-heading + ul > li").CountAsync());

        // The service's own messages and emails, in each language, from the texts the pages and mail use.
        Assert.Contains("Su formulario de consentimiento está listo", await page.InnerTextAsync("table.system-texts"), StringComparison.Ordinal);
        Assert.True(await page.Locator("details table.system-texts tbody tr").CountAsync() > 50, "the patient pages' messages are listed");
        await check.CaptureBothSizesAsync(page, "version");

        // A retirement is a signature: without the password nothing happens, the error stands by the field and the comment stays.
        await page.FillAsync("#comment", "Superseded by the bladder wording of version 2 (review board, item 7).");
        await page.FillAsync("#decision-password", "not the password");
        await page.ClickAndLoadAsync("main button[formaction*='handler=Retire']");
        Assert.Contains("The password is not correct", await page.InnerTextAsync("#decision-password-error"), StringComparison.Ordinal);
        Assert.Equal("Superseded by the bladder wording of version 2 (review board, item 7).", await page.InputValueAsync("#comment"));
        await check.CaptureAsync(page, "wrong-password");
        await page.FillAsync("#decision-password", ServiceHost.DemoPassword);
        await page.ClickAndLoadAsync("main button[formaction*='handler=Retire']");
        Assert.Contains("Retired", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Superseded by the bladder wording", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Retired by ", await page.InnerTextAsync("#decisions-heading + ul"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "retired");
        check.AssertClean();
    }

    /// <summary>
    /// "Walk through as the patient": from the version page, in Spanish, the real patient pages with a
    /// stand-in patient, through the quiz and the signature to the end, with the clinician's part done by
    /// the preview's button; and the database holds no session, event, job or record afterwards.
    /// </summary>
    [Fact]
    public async Task Reviewer_WalksThroughAVersionAsThePatient_InSpanish_AndNothingIsRecorded()
    {
        var before = await host.RowCountsAsync();
        await using var context = await host.NewContextAsync(Screen.SmallPhone);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Reviewer);
        var check = new PageCheck(page, "reviewer-preview", axe: true);
        await page.GotoAsync("/review/ketamine-chronic-pain/1");
        await page.Locator("#preview-heading").ScrollIntoViewIfNeededAsync();
        await check.CaptureAsync(page, "version-preview-form");
        await page.ClickAndLoadAsync("#preview-heading ~ form button[value=es]");

        Assert.Equal("es", await page.GetAttributeAsync("html", "lang"));
        Assert.Contains("Preview: nothing is recorded", await page.InnerTextAsync(".preview-banner"), StringComparison.Ordinal);
        var walker = new PatientWalker(page, check, new Patient("Alex Morgan", new DateOnly(1980, 3, 15), "AM"));
        Assert.Equal(PatientWalker.Kind.DateOfBirth, await walker.KindAsync());
        await check.CaptureAsync(page, "date-of-birth", "link");
        await walker.VerifyAsync();

        Assert.Equal(PatientWalker.Kind.Sign, await walker.WalkAsync(PatientWalker.Kind.Sign));
        Assert.Contains(PatientWalker.Kind.Quiz, walker.Seen);
        Assert.Contains("Preview: nothing is recorded", await page.InnerTextAsync(".preview-banner"), StringComparison.Ordinal);
        Assert.Contains("Firme el formulario", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await walker.SignAsync();

        // Signed: a patient waits for the countersignature; the preview's button does the clinician's part.
        Assert.Equal(PatientWalker.Kind.Waiting, await walker.KindAsync());
        await check.CaptureAsync(page, "awaiting-countersign", "waiting-preview");
        await page.ClickAndLoadAsync("form[action*='handler=PreviewClinician'] button");
        Assert.Equal(PatientWalker.Kind.Ending, await walker.KindAsync());
        Assert.Contains("in a real session the patient downloads their signed PDF record here", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "completed", "ending-preview");

        Assert.Equal(before, await host.RowCountsAsync());
        check.AssertClean();
    }
}
