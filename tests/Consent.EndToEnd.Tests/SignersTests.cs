using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// Issue 16, who signs, in Chromium at 320 px with axe on each page: a witnessed consent the patient signs with a mark and the
/// witness signs next on the same device; a representative's consent with the patient's assent; an interpreted consent.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class SignersTests(ServiceHost host)
{
    private const string Witness = "Thomas Okafor";

    [Fact]
    public async Task AWitnessedConsent_SignedWithAMark_ThenByTheWitness_OnOneNarrowScreen()
    {
        var session = await StartAsync(new { witness = new { name = Witness } });
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "signers-witness-320", axe: true);
        var walker = new PatientWalker(page, check, Patient.English) { Draw = false };
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Sign, await walker.WalkAsync(Kind.Sign));

        // The patient cannot write: the mark is offered because a witness signs next; the typed name may stay empty.
        await page.Locator("#mark").CheckAsync();
        await page.Locator("#certify").CheckAsync();
        await DrawAsync(page, [((0.2f, 0.2f), (0.8f, 0.8f)), ((0.8f, 0.2f), (0.2f, 0.8f))]);
        await check.CaptureAsync(page, "mark", "sign-mark");
        await AssertFitsAsync(page);
        await walker.SubmitAsync("form.sign-form button[type=submit]");

        Assert.Equal(Kind.Sign, await walker.KindAsync());
        Assert.Equal("The witness signs", (await page.InnerTextAsync("h1")).Trim());
        Assert.Contains($"Now {Witness} signs.", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("I am impartial", await page.InnerTextAsync(".statement"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#mark").CountAsync());
        await check.CaptureAsync(page, "witness", "sign-witness");
        await AssertFitsAsync(page);
        await page.Locator("#certify").CheckAsync();
        await page.FillAsync("#fullName", Witness);
        await walker.SubmitAsync("form.sign-form button[type=submit]");

        Assert.Equal(Kind.Waiting, await walker.KindAsync());
        await check.CaptureAsync(page, "waiting");
        var events = await EventsAsync(session.Id);
        Assert.Equal(["mark", "typed"], events.Where(e => e.GetProperty("type").GetString() is "PatientSigned" or "SignerSigned")
            .Select(e => e.GetProperty("payload").GetProperty("method").GetString()));
        check.AssertClean();
    }

    [Fact]
    public async Task ARepresentative_SignsForThePatient_WhoThenAssents_InSpanish()
    {
        var session = await StartAsync(new
        {
            representative = new { name = "Ana Pérez Ruiz", relationship = "hija", authority = "poder notarial para la atención médica" },
            assent = true,
        }, Patient.Spanish, "es");
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "signers-representative-es-320", axe: true);
        var walker = new PatientWalker(page, check, Patient.Spanish) { Draw = true };
        await walker.OpenAsync(session.PatientPath);
        // The representative is asked for the patient's date of birth, and told on every page whom "usted" means.
        Assert.Contains("La fecha de nacimiento del paciente", await page.InnerTextAsync("legend"), StringComparison.Ordinal);
        await walker.VerifyAsync();
        Assert.Contains($"Usted lee este formulario por {Patient.Spanish.Name}, como su representante legalmente autorizado",
            await page.InnerTextAsync(".representative-notice"), StringComparison.Ordinal);
        Assert.Equal(Kind.Sign, await walker.WalkAsync(Kind.Sign));

        Assert.Equal("Firme en nombre del paciente", (await page.InnerTextAsync("h1")).Trim());
        Assert.Contains("Soy el representante legalmente autorizado del paciente (hija; poder notarial para la atención médica)",
            await page.InnerTextAsync(".statement"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "representative", "sign-representative");
        await AssertFitsAsync(page);
        await page.Locator("#certify").CheckAsync();
        await page.FillAsync("#fullName", "Ana Pérez Ruiz");
        await walker.SubmitAsync("form.sign-form button[type=submit]");

        Assert.Equal("El acuerdo del paciente", (await page.InnerTextAsync("h1")).Trim());
        Assert.Contains("Acepto participar.", await page.InnerTextAsync(".statement"), StringComparison.Ordinal);
        // The patient's own assent: here "usted" is the patient, so the notice is gone.
        Assert.Equal(0, await page.Locator(".representative-notice").CountAsync());
        await check.CaptureAsync(page, "assent", "sign-assent");
        await AssertFitsAsync(page);
        await walker.SignAsync();

        Assert.Equal(Kind.Waiting, await walker.KindAsync());
        check.AssertClean();
    }

    [Fact]
    public async Task AnInterpreter_SignsAfterThePatient()
    {
        var session = await StartAsync(new { interpreter = new { name = "Linh Tran", language = "Vietnamese", qualification = "CCHI 12345", mode = "video" } });
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "signers-interpreter-320", axe: true);
        var walker = new PatientWalker(page, check, Patient.English) { Draw = false };
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Sign, await walker.WalkAsync(Kind.Sign));
        Assert.Equal(0, await page.Locator("#mark").CountAsync());
        await walker.SignAsync();

        Assert.Equal("The interpreter signs", (await page.InnerTextAsync("h1")).Trim());
        Assert.Contains("I interpreted the whole session faithfully between English and Vietnamese, by video.", await page.InnerTextAsync(".statement"),
            StringComparison.Ordinal);
        await check.CaptureAsync(page, "interpreter", "sign-interpreter");
        await AssertFitsAsync(page);
        await page.Locator("#certify").CheckAsync();
        await page.FillAsync("#fullName", "Linh Tran");
        await walker.SubmitAsync("form.sign-form button[type=submit]");

        Assert.Equal(Kind.Waiting, await walker.KindAsync());
        check.AssertClean();
    }

    private async Task<StartedSession> StartAsync(object signers, Patient? patient = null, string language = "en")
    {
        patient ??= Patient.English;
        using var http = await StaffApi.ClinicianClientAsync(host);
        var body = JsonSerializer.SerializeToNode(signers)!.AsObject();
        body["workflowId"] = "ketamine-iv-depression";
        body["language"] = language;
        body["patient"] = JsonSerializer.SerializeToNode(new
        {
            name = patient.Name, dateOfBirth = patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            mrn = "MRN-SIGNERS-" + Guid.NewGuid().ToString("N")[..8],
        });
        var response = await http.PostAsJsonAsync("/api/v1/sessions", body);
        response.EnsureSuccessStatusCode();
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new StartedSession(started.GetProperty("id").GetGuid(), new Uri(started.GetProperty("patientUrl").GetString()!).AbsolutePath);
    }

    private async Task<List<JsonElement>> EventsAsync(Guid id)
    {
        using var http = await StaffApi.ClinicianClientAsync(host);
        var chain = await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}/events");
        return [.. chain.GetProperty("events").EnumerateArray()];
    }

    /// <summary>Draws strokes on the signature pad, each from one point to another, as fractions of its size.</summary>
    private static async Task DrawAsync(IPage page, ((float X, float Y) From, (float X, float Y) To)[] strokes)
    {
        var canvas = page.Locator("#signature-canvas");
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("The signature pad is not shown.");
        foreach (var (from, to) in strokes)
        {
            await page.Mouse.MoveAsync(box.X + (box.Width * from.X), box.Y + (box.Height * from.Y));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + (box.Width * to.X), box.Y + (box.Height * to.Y), new() { Steps = 6 });
            await page.Mouse.UpAsync();
        }

        Assert.NotEqual("", await page.InputValueAsync("#strokes"));
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 320, $"{page.Url} is {width} px wide at a 320 px window");
    }
}
