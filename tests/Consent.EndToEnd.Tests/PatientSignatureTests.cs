using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The signature's name check as patients type names: a curly apostrophe from a phone keyboard signs;
/// a name that differs signs too and is flagged for the clinician; an error never wipes the drawing.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PatientSignatureTests(ServiceHost host)
{
    [Fact]
    public async Task ACurlyApostropheFromAPhoneKeyboard_Signs_AsTheRegisteredName()
    {
        var registered = new Patient("Robert O'Neil", new DateOnly(1969, 4, 12), "RON");
        var session = await StaffApi.StartAsync(host, registered, "en");
        await using var context = await host.NewContextAsync(Screen.SmallPhone);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "curly-apostrophe-en-360", axe: false);
        var walker = new PatientWalker(page, check, registered with { Name = "Robert O\u2019Neil" });
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();

        Assert.Equal(Kind.Waiting, await walker.WalkAsync());

        Assert.Equal("AwaitingCountersign", await StatusAsync(session));
        var signed = (await EventsAsync(session)).Single(e => e.GetProperty("type").GetString() == "PatientSigned");
        Assert.Equal("Robert O\u2019Neil", signed.GetProperty("payload").GetProperty("fullName").GetString());
        Assert.False(signed.GetProperty("payload").TryGetProperty("nameMatches", out _), "the curly apostrophe was taken for another name");
        check.AssertClean();
    }

    [Fact]
    public async Task AnotherName_Signs_KeepsTheDrawingThroughAnError_AndTheClinicianIsAskedToConfirmWhoSigned()
    {
        var registered = new Patient("María José García López", new DateOnly(1983, 9, 21), "MJG");
        var session = await StaffApi.StartAsync(host, registered, "es");
        await using var context = await host.NewContextAsync(Screen.SmallPhone);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "other-name-es-360", axe: true);
        var walker = new PatientWalker(page, check, registered with { Name = "Pepa García" });
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Sign, await walker.WalkAsync(Kind.Sign));

        // Draw, then send a name the service must refuse (a zero-width space pasted in): the drawing stays.
        await page.Locator("#certify").CheckAsync();
        await page.FillAsync("#fullName", "Pepa\u200B García");
        await page.Locator("#signature-canvas").ScrollIntoViewIfNeededAsync();
        var canvas = await page.Locator("#signature-canvas").BoundingBoxAsync() ?? throw new InvalidOperationException("no pad");
        await page.Mouse.MoveAsync(canvas.X + 20, canvas.Y + 40);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(canvas.X + 120, canvas.Y + 80, new() { Steps = 6 });
        await page.Mouse.MoveAsync(canvas.X + 200, canvas.Y + 30, new() { Steps = 6 });
        await page.Mouse.UpAsync();
        var drawn = await page.InputValueAsync("#strokes");
        Assert.NotEqual("", drawn);
        await walker.SubmitAsync("form.sign-form button[type=submit]");
        Assert.Contains("Hay un problema", await page.InnerTextAsync("[data-error-summary]"), StringComparison.Ordinal);
        Assert.Equal(drawn, await page.InputValueAsync("#strokes"));
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const c = document.getElementById('signature-canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }"),
            "the drawing was wiped from the pad");
        await check.CaptureAsync(page, "error-keeps-drawing", "error-keeps-drawing");

        await page.FillAsync("#fullName", "Pepa García");
        await walker.SubmitAsync("form.sign-form button[type=submit]");
        Assert.Equal(Kind.Waiting, await walker.KindAsync());
        Assert.Equal("AwaitingCountersign", await StatusAsync(session));
        var signed = (await EventsAsync(session)).Single(e => e.GetProperty("type").GetString() == "PatientSigned");
        Assert.False(signed.GetProperty("payload").GetProperty("nameMatches").GetBoolean());
        Assert.NotEqual(0, signed.GetProperty("payload").GetProperty("strokes").GetArrayLength());

        await using var clinicianContext = await host.NewContextAsync(Screen.Desktop);
        var clinician = await StaffBrowser.SignInAsync(host, clinicianContext, StaffApi.Clinician);
        await clinician.GotoAsync($"/clinician/sessions/{session.Id}");
        Assert.Contains("does not match the registered name “María José García López”", await clinician.InnerTextAsync("#brief"), StringComparison.Ordinal);
        Assert.Contains("“Pepa García” is the registered patient “María José García López”", await clinician.InnerTextAsync("label[for=name-confirmed]"), StringComparison.Ordinal);
        check.AssertClean();
    }

    private async Task<string> StatusAsync(StartedSession session)
    {
        using var http = await StaffApi.ClinicianClientAsync(host);
        return (await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{session.Id}")).GetProperty("status").GetString()!;
    }

    private async Task<IReadOnlyList<JsonElement>> EventsAsync(StartedSession session)
    {
        using var http = await StaffApi.ClinicianClientAsync(host);
        var chain = await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{session.Id}/events");
        return [.. chain.GetProperty("events").EnumerateArray()];
    }
}
