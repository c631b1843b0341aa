using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>Declining, being referred, rereading, switching language, resuming, a missed teach-back, and a page without JavaScript.</summary>
[Collection(BrowserTests.Name)]
public sealed class PatientChoicesTests(ServiceHost host)
{
    /// <summary>
    /// "Save and finish later" at the narrowest width, in Spanish: a reminder by email tomorrow, the form
    /// closed on the device, and the same link later goes on where the patient stopped.
    /// </summary>
    [Fact]
    public async Task PatientSavesAndFinishesLater_WithAReminder_AndComesBackWhereTheyStopped()
    {
        var session = await StaffApi.StartAsync(host, Patient.Spanish, "es", email: $"later-{Guid.NewGuid():N}@example.net");
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "later-es-320", axe: true);
        var walker = new PatientWalker(page, check, Patient.Spanish);
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Disclosure, await walker.WalkAsync(Kind.Disclosure));
        var stoppedAt = await page.Locator("input[name=stepId]").First.GetAttributeAsync("value");

        await walker.SubmitAsync(".save-later a");
        Assert.EndsWith("/later", page.Url, StringComparison.Ordinal);
        Assert.Contains("Todo lo que ha hecho hasta ahora está guardado", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.Locator("label[for=remind-1]").ClickAsync();
        await check.CaptureAsync(page, "save-for-later", "later");
        await walker.SubmitAsync("main form button[type=submit]");
        Assert.Equal("Sus respuestas están guardadas", await page.InnerTextAsync("h1"));
        Assert.Contains("Le enviaremos un recordatorio por correo electrónico el", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "left", "later-left");

        // The form was closed on this device: the link asks for the date of birth again, then goes on where the patient stopped.
        await walker.SubmitAsync("main a.button");
        Assert.Equal(Kind.DateOfBirth, await walker.KindAsync());
        await walker.VerifyAsync();
        Assert.Equal(stoppedAt, await page.Locator("input[name=stepId]").First.GetAttributeAsync("value"));
        check.AssertClean();
    }

    [Fact]
    public async Task PatientDeclines_AfterAConfirmation_AndSeesAKindEnding()
    {
        var session = await StaffApi.StartAsync(host, Patient.Spanish, "es");
        await using var context = await host.NewContextAsync(Screen.Phone);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "decline-es-phone", axe: true);
        var walker = new PatientWalker(page, check, Patient.Spanish);
        await walker.OpenAsync(session.PatientPath);

        await walker.VerifyAsync(new DateOnly(1975, 1, 1));
        // A wrong date of birth: the shared error summary, at the top, focused, linked to the first date field.
        var summary = page.Locator("[data-error-summary]");
        Assert.Contains("Intentos restantes: 4", await summary.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Hay un problema", await summary.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement !== null && document.activeElement.hasAttribute('data-error-summary')"),
            "the error summary does not have the focus");
        Assert.Equal("#dob-day", await summary.Locator("a").GetAttributeAsync("href"));
        Assert.True((await summary.BoundingBoxAsync())!.Y < (await page.Locator("h1").BoundingBoxAsync())!.Y, "the error summary is not at the top");
        await summary.Locator("a").ClickAsync();
        Assert.Equal("dob-day", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await check.CaptureAsync(page, "wrong-date", "wrong-date");
        await walker.VerifyAsync();
        await walker.WalkAsync(Kind.Disclosure);

        await walker.SubmitAsync("a.action-decline");
        Assert.EndsWith("/decline", page.Url, StringComparison.Ordinal);
        // No double negative: the buttons say what they do.
        Assert.Equal("No quiero este tratamiento", (await page.InnerTextAsync("form button.button-danger")).Trim());
        Assert.Equal("Volver", (await page.InnerTextAsync("a.button-secondary[href$='/step']")).Trim());
        await check.CaptureAsync(page, "confirm", "confirm");
        await walker.SubmitAsync("a.button-secondary[href$='/step']");
        Assert.Equal(Kind.Disclosure, await walker.KindAsync());

        await walker.SubmitAsync("a.action-decline");
        await page.FillAsync("#decline-reason", "Prefiero pensarlo más.");
        await walker.SubmitAsync("form button.button-danger");
        Assert.Equal("Usted no dio su consentimiento", await page.InnerTextAsync("h1"));
        await check.CaptureAsync(page, "declined", "declined");
        Assert.Equal("Declined", await StatusAsync(session));

        // The patient can keep the signed record of the decision, like a consent form.
        var copy = page.Locator("a[href$='/record.pdf']");
        Assert.Equal("Descargar el registro de cómo terminó (PDF)", (await copy.InnerTextAsync()).Trim());
        var href = await copy.GetAttributeAsync("href") ?? "";
        var pdf = await Deadline.ValueAsync("the signed record of the decline", async () =>
        {
            var response = await page.APIRequest.GetAsync(href);
            return response.Status == 404 ? null : response; // 404 until the outbox has issued it
        });
        Assert.Equal(200, pdf.Status);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await pdf.BodyAsync())[..5]), StringComparison.Ordinal);
        check.AssertClean();
    }

    [Fact]
    public async Task ScreeningAnswer_IsShownBackBeforeItRefersThePatient_WithTheWorkflowsMessage()
    {
        var session = await StaffApi.StartAsync(host, Patient.English, "en");
        await using var context = await host.NewContextAsync(Screen.SmallPhone);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "referral-en-360", axe: true);
        var changes = 1;
        var walker = new PatientWalker(page, check, Patient.English) { SaysYes = id => id == "psychosis", ChangesAtStop = () => changes-- > 0 };
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();

        // Every choice is a 44 by 44 px target, and Yes and No are stacked on a phone. The first screen after the date of birth is
        // step 1, the key information; the screening questions are step 2.
        Assert.StartsWith("Step 1 of", await page.InnerTextAsync(".step-count"), StringComparison.Ordinal);
        Assert.Equal(Kind.Questions, await walker.WalkAsync(Kind.Questions));
        Assert.StartsWith("Step 2 of", await page.InnerTextAsync(".step-count"), StringComparison.Ordinal);
        var clinic = page.Locator(".site-footer .clinic-phone a[href^='tel:']");
        Assert.Equal("tel:+15550100", await clinic.GetAttributeAsync("href"));
        Assert.Equal(1, await page.Locator(".site-footer a[href='tel:988']").CountAsync());
        Assert.Equal(1, await page.Locator(".site-footer a[href='sms:988']").CountAsync());
        var yes = await page.Locator("label[for='a_psychosis-0']").BoundingBoxAsync();
        var no = await page.Locator("label[for='a_psychosis-1']").BoundingBoxAsync();
        Assert.True(yes!.Height >= 44 && yes.Width >= 44, $"Yes is {yes.Width} by {yes.Height} px");
        Assert.True(no!.Height >= 44 && no.Width >= 44, $"No is {no.Width} by {no.Height} px");
        Assert.True(no.Y >= yes.Y + yes.Height, "Yes and No sit side by side on a 360 px phone");

        // A Yes that would end the consent is shown back first, with Change and Confirm.
        Assert.Equal(Kind.ConfirmStop, await walker.WalkAsync(Kind.ConfirmStop));
        var shown = await page.InnerTextAsync("main");
        Assert.Contains("Please check your answer", shown, StringComparison.Ordinal);
        Assert.Contains("psychosis", shown, StringComparison.Ordinal);
        Assert.Equal("InProgress", await StatusAsync(session));
        await walker.AnswerAsync(Kind.ConfirmStop, null);
        Assert.Equal(Kind.Questions, await walker.KindAsync());
        Assert.True(await page.Locator("#a_psychosis-0").IsCheckedAsync(), "the answers to change are not filled in again");
        await check.CaptureAsync(page, "questions-to-change", "Questions");

        Assert.Equal(Kind.Ending, await walker.WalkAsync());
        Assert.Contains("psychosis", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal("Referred", await StatusAsync(session));

        // Someone else holding the link learns nothing without the date of birth; the patient can come back.
        await using var other = await host.NewContextAsync(Screen.Desktop);
        var later = await other.NewPageAsync();
        var laterCheck = new PageCheck(later, "referral-later-desktop", axe: true);
        var again = new PatientWalker(later, laterCheck, Patient.English);
        await again.OpenAsync(session.PatientPath);
        Assert.DoesNotContain("psychosis", await later.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await later.Locator("a[href$='/record.pdf']").CountAsync());
        await again.VerifyAsync();
        Assert.Contains("psychosis", await later.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal("Download the record of how this ended (PDF)", (await later.InnerTextAsync("a[href$='/record.pdf']")).Trim());
        await laterCheck.CaptureAsync(later, "outcome");
        check.AssertClean();
        laterCheck.AssertClean();
    }

    [Fact]
    public async Task PatientGoesBack_SwitchesLanguage_ResumesElsewhere_AndRereadsAfterAMissedQuiz()
    {
        var session = await StaffApi.StartAsync(host, Patient.English, "en");
        await using var first = await host.NewContextAsync(Screen.Phone);
        var page = await first.NewPageAsync();
        var check = new PageCheck(page, "reread-en-phone", axe: true);
        var walker = new PatientWalker(page, check, Patient.English);
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        await walker.WalkAsync(Kind.Questions); // past the key information
        await walker.WalkAsync(Kind.Disclosure);
        // This browser has no voice for English (headless Chromium has none): no dead button, and the page says so.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => speechSynthesis.getVoices().length"));
        Assert.False(await page.Locator("button.read-aloud").IsVisibleAsync(), "a read-aloud button with no voice to read");
        Assert.Contains("Read aloud is not available", await page.InnerTextAsync(".read-aloud-none"), StringComparison.Ordinal);
        await walker.AnswerAsync(Kind.Disclosure, null);
        var secondTitle = await page.InnerTextAsync("h1");

        await walker.SubmitAsync("a.action-back");
        Assert.Contains("/review/", page.Url, StringComparison.Ordinal);
        Assert.Contains("You accepted this on", await page.InnerTextAsync(".recorded"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "review", "review");
        await walker.SubmitAsync("a.button[href$='/step']");
        Assert.Equal(secondTitle, await page.InnerTextAsync("h1"));

        await walker.SubmitAsync(".lang-switch a[lang=es]");
        Assert.Equal("es", await page.GetAttributeAsync("html", "lang"));
        Assert.Contains("Usted está leyendo esto en español", await page.InnerTextAsync(".translation-note"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "translated", "translated");
        await walker.AnswerAsync(Kind.Disclosure, null);
        Assert.Equal(Kind.Disclosure, await walker.KindAsync());
        Assert.StartsWith("Paso 5", await page.InnerTextAsync(".step-count"), StringComparison.Ordinal);

        // Later, on another device: the same link, the date of birth again, and on from where they stopped.
        await using var second = await host.NewContextAsync(Screen.Desktop);
        var later = await second.NewPageAsync();
        var laterCheck = new PageCheck(later, "resume-en-desktop", axe: true);
        var resumed = new PatientWalker(later, laterCheck, Patient.English) { MissQuizOnce = true };
        await resumed.OpenAsync(session.PatientPath);
        await resumed.VerifyAsync();
        Assert.StartsWith("Step 5", await later.InnerTextAsync(".step-count"), StringComparison.Ordinal);
        Assert.Equal(Kind.Quiz, await resumed.WalkAsync(Kind.Quiz));
        await resumed.AnswerAsync(Kind.Quiz, "understanding");
        Assert.True(await later.Locator(".review-passage").CountAsync() > 0, "a missed question shows its passage again");
        // The retry keeps the answers that were right, and says what happens after the last try.
        var questions = await later.Locator("form[action*='handler=Quiz'] fieldset").CountAsync();
        Assert.Equal(questions - 1, await later.Locator("form[action*='handler=Quiz'] input[type=radio]:checked").CountAsync());
        Assert.Contains("a clinician goes over it with you before you sign", await later.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(Kind.Waiting, await resumed.WalkAsync());
        Assert.Contains("checks for news on its own", await later.InnerTextAsync(".waiting-help"), StringComparison.Ordinal);
        check.AssertClean();
        laterCheck.AssertClean();
    }

    [Fact]
    public async Task WithoutJavaScript_TheWholeConsentWorks_WaitingForADiscussion_WithTheTypedNameAsSignature_AndADoubleTapRecordsOnce()
    {
        var session = await StaffApi.StartAsync(host, Patient.English, "en");
        await using var context = await host.NewContextAsync(Screen.Phone, javaScript: false);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "nojs-en-phone", axe: false);
        var walker = new PatientWalker(page, check, Patient.English) { Draw = false, SaysYes = id => id == "substance_use" };
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        await walker.WalkAsync(Kind.Disclosure);
        Assert.False(await page.Locator("button.read-aloud").IsVisibleAsync(), "without script there is no read-aloud button");

        // The same form sent twice (a double tap, a resent page) records one acknowledgment.
        var form = page.Locator("form[action*='handler=Acknowledge']");
        var fields = new Dictionary<string, string>();
        foreach (var input in await form.Locator("input[type=hidden]").AllAsync())
        {
            fields[(await input.GetAttributeAsync("name"))!] = (await input.GetAttributeAsync("value"))!;
        }

        fields["acknowledged"] = "true";
        var action = await form.GetAttributeAsync("action");
        var taps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
        {
            var data = context.APIRequest.CreateFormData();
            foreach (var (name, value) in fields)
            {
                data.Set(name, value);
            }

            return context.APIRequest.PostAsync(action!, new() { Form = data, MaxRedirects = 0 });
        }));
        Assert.All(taps, response => Assert.Equal(302, response.Status));

        // A form without its antiforgery token records nothing and leads back to the link's front page.
        var forged = context.APIRequest.CreateFormData();
        forged.Set("stepId", fields["stepId"]);
        forged.Set("IdempotencyKey", Guid.NewGuid().ToString("N"));
        var refused = await context.APIRequest.PostAsync(action!, new() { Form = forged, MaxRedirects = 0 });
        Assert.Equal(302, refused.Status);
        Assert.Equal(session.PatientPath, refused.Headers["location"]);

        await page.ReloadAsync();

        // A past substance problem: extra text with initials, then a wait for the clinician's discussion.
        // The page says why (the workflow's words), how the clinic will reach them, and asks for "Check again".
        Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        Assert.Contains(check.Captured, name => name.Contains("misuse-history", StringComparison.Ordinal));
        var reasons = await page.InnerTextAsync(".waiting-reasons");
        Assert.Contains("You told us that you have had a problem with alcohol or drugs", reasons, StringComparison.Ordinal);
        Assert.Contains("call you", reasons, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator(".waiting-reasons a[href^='tel:']").CountAsync());
        Assert.Contains("press “Check again”", await page.InnerTextAsync(".waiting-help"), StringComparison.Ordinal);
        Assert.DoesNotContain("on its own", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await using (var clinicianContext = await host.NewContextAsync(Screen.Desktop))
        {
            var clinician = await StaffBrowser.SignInAsync(host, clinicianContext, StaffApi.Clinician);
            await clinician.GotoAsync($"/clinician/sessions/{session.Id}");
            await clinician.FillAsync("#discussion-note", "Talked about past alcohol use; sober for 3 years; plan agreed.");
            await clinician.ClickAndLoadAsync("form[action*='handler=Discussion'] button[type=submit]");
            Assert.Contains("The discussion was recorded", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);
        }

        await walker.SubmitAsync("a.button-secondary[href$='/step']");
        Assert.Equal(Kind.Sign, await walker.WalkAsync(Kind.Sign));
        Assert.False(await page.Locator(".signature-pad").IsVisibleAsync(), "without script there is no drawing pad");
        await walker.SignAsync();
        Assert.Equal(Kind.Waiting, await walker.WalkAsync());

        var events = await EventsAsync(session);
        Assert.Equal(1, events.Count(e => e.GetProperty("type").GetString() == "DisclosureAcknowledged"
            && e.GetProperty("stepId").GetString() == fields["stepId"]));
        var signed = events.Single(e => e.GetProperty("type").GetString() == "PatientSigned");
        Assert.Equal("typed", signed.GetProperty("payload").GetProperty("method").GetString());
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "DiscussionRecorded");
        Assert.Equal("AwaitingCountersign", await StatusAsync(session));
    }

    private async Task<string> StatusAsync(StartedSession session)
    {
        using var http = await ClinicianAsync();
        return (await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{session.Id}")).GetProperty("status").GetString()!;
    }

    private async Task<IReadOnlyList<JsonElement>> EventsAsync(StartedSession session)
    {
        using var http = await ClinicianAsync();
        var chain = await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{session.Id}/events");
        Assert.True(chain.GetProperty("verified").GetBoolean());
        return [.. chain.GetProperty("events").EnumerateArray()];
    }

    private Task<HttpClient> ClinicianAsync() => StaffApi.ClinicianClientAsync(host);
}
