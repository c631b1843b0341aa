using System.Globalization;
using Consent.Workflows;
using Microsoft.Playwright;

namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Walks the patient pages as a person would: reads what kind of page is shown (by its form, never
/// by its wording, so it works in every language), answers it, and takes a screenshot of each page.
/// </summary>
public sealed class PatientWalker(IPage page, PageCheck check, Patient patient)
{
    private static readonly Lazy<WorkflowCatalog> Catalog = new(() =>
        WorkflowCatalog.Load(RepositoryRoot.Path).Catalog ?? throw new InvalidOperationException("The workflows do not load."));

    /// <summary>The kinds of patient page, told apart by their forms.</summary>
    public enum Kind
    {
        DateOfBirth,
        Questions,
        ConfirmStop,
        Disclosure,
        Quiz,
        Ask,
        Affirmation,
        Certification,
        Sign,
        Waiting,
        Ending,
    }

    /// <summary>When true, the drawn signature is made with the mouse; otherwise the typed name is the signature.</summary>
    public bool Draw { get; init; } = true;

    /// <summary>Answers a yes-no screening question; default: no to everything.</summary>
    public Func<string, bool> SaysYes { get; init; } = _ => false;

    /// <summary>At a stop step: true goes back to change the answer, false (the default) confirms it.</summary>
    public Func<bool> ChangesAtStop { get; init; } = () => false;

    /// <summary>When true, the first quiz attempt answers one question wrong (to see the passages shown again).</summary>
    public bool MissQuizOnce { get; init; }

    /// <summary>At a check-in's affirmation: true answers "No, I do not agree today"; false (the default) still agrees.</summary>
    public bool DisagreesToday { get; init; }

    public List<Kind> Seen { get; } = [];

    public async Task<Kind> KindAsync()
    {
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        if (await Has("input[name=Month]"))
        {
            return Kind.DateOfBirth;
        }

        if (await Has("form[action*='handler=Stop']"))
        {
            return Kind.ConfirmStop;
        }

        if (await Has("form[action*='handler=Answers']"))
        {
            return Kind.Questions;
        }

        if (await Has("form[action*='handler=Acknowledge']"))
        {
            return Kind.Disclosure;
        }

        if (await Has("form[action*='handler=Quiz']"))
        {
            return Kind.Quiz;
        }

        if (await Has("form[action*='handler=Affirm']"))
        {
            return Kind.Affirmation;
        }

        if (await Has("form[action*='handler=AskDone']"))
        {
            return Kind.Ask;
        }

        if (await Has("input[name=FullName]"))
        {
            return Kind.Sign;
        }

        if (await Has("a[href$='/sign']"))
        {
            return Kind.Certification;
        }

        return await Has(".poll") ? Kind.Waiting : Kind.Ending;
    }

    public async Task OpenAsync(string path)
    {
        await page.GotoAsync(path);
        await check.CaptureAsync(page, "link", "link");
    }

    public async Task VerifyAsync(DateOnly? dateOfBirth = null)
    {
        var dob = dateOfBirth ?? patient.DateOfBirth;
        await page.FillAsync("input[name=Month]", dob.Month.ToString(CultureInfo.InvariantCulture));
        await page.FillAsync("input[name=Day]", dob.Day.ToString(CultureInfo.InvariantCulture));
        await page.FillAsync("input[name=Year]", dob.Year.ToString(CultureInfo.InvariantCulture));
        await SubmitAsync("form button[type=submit]");
    }

    /// <summary>Answers page after page until <paramref name="stopAt"/> (or a waiting or ending page) is shown.</summary>
    public async Task<Kind> WalkAsync(params Kind[] stopAt)
    {
        for (var i = 0; i < 80; i++)
        {
            var kind = await KindAsync();
            Seen.Add(kind);
            var stepId = await Has("input[name=stepId]") ? await page.Locator("input[name=stepId]").First.GetAttributeAsync("value") : null;
            await check.CaptureAsync(page, Name(kind, stepId), await AxeKindAsync(kind));
            if (stopAt.Contains(kind) || kind is Kind.Waiting or Kind.Ending or Kind.DateOfBirth)
            {
                return kind;
            }

            await AnswerAsync(kind, stepId);
        }

        throw new InvalidOperationException("More than 80 pages without an end.");
    }

    public async Task AnswerAsync(Kind kind, string? stepId)
    {
        switch (kind)
        {
            case Kind.Questions:
                foreach (var name in await RadioGroupsAsync("a_"))
                {
                    var yes = SaysYes(name["a_".Length..]);
                    await page.Locator($"input[name='{name}'][value='{(yes ? "yes" : "no")}']").CheckAsync();
                }

                await SubmitAsync("form[action*='handler=Answers'] button[type=submit]");
                break;
            case Kind.Affirmation:
                await SubmitAsync($"form[action*='handler=Affirm'] button[value={(DisagreesToday ? "disagree" : "agree")}]");
                break;
            case Kind.ConfirmStop:
                await SubmitAsync($"form[action*='handler=Stop'] button[value={(ChangesAtStop() ? "change" : "confirm")}]");
                break;
            case Kind.Disclosure:
                if (await Has("#initials"))
                {
                    await page.FillAsync("#initials", patient.Initials);
                }
                else
                {
                    await page.Locator("#acknowledged").CheckAsync();
                }

                await SubmitAsync("form[action*='handler=Acknowledge'] button[type=submit]");
                break;
            case Kind.Quiz:
                var miss = MissQuizOnce && !await Has(".review-passage");
                var first = true;
                foreach (var name in await RadioGroupsAsync("q_"))
                {
                    var question = name["q_".Length..];
                    var answer = QuizAnswer(stepId!, question);
                    if (miss && first)
                    {
                        answer = await page.Locator($"input[name='{name}']:not([value='{answer}'])").First.GetAttributeAsync("value") ?? answer;
                        first = false;
                    }

                    await page.Locator($"input[name='{name}'][value='{answer}']").CheckAsync();
                }

                await SubmitAsync("form[action*='handler=Quiz'] button[type=submit]");
                break;
            case Kind.Ask:
                await SubmitAsync("form[action*='handler=AskDone'] button[type=submit]");
                break;
            case Kind.Certification:
                await SubmitAsync("a[href$='/sign']");
                break;
            case Kind.Sign:
                await SignAsync();
                break;
            case Kind.DateOfBirth:
            case Kind.Waiting:
            case Kind.Ending:
                throw new InvalidOperationException($"Nothing to answer on a {kind} page.");
        }
    }

    public async Task SignAsync()
    {
        await page.Locator("#certify").CheckAsync();
        await page.FillAsync("#fullName", patient.Name);
        if (Draw)
        {
            var canvas = page.Locator("#signature-canvas");
            await canvas.ScrollIntoViewIfNeededAsync();
            var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("The signature pad is not shown.");
            await page.Mouse.MoveAsync(box.X + 20, box.Y + (box.Height * 0.6f));
            await page.Mouse.DownAsync();
            var points = new[] { (0.15f, 0.3f), (0.25f, 0.75f), (0.35f, 0.35f), (0.45f, 0.7f), (0.6f, 0.3f), (0.8f, 0.6f) };
            foreach (var (x, y) in points)
            {
                await page.Mouse.MoveAsync(box.X + (box.Width * x), box.Y + (box.Height * y), new() { Steps = 4 });
            }

            await page.Mouse.UpAsync();
            Assert.NotEqual("", await page.InputValueAsync("#strokes"));
            await check.CaptureAsync(page, "signed-drawn", "sign");
        }

        await SubmitAsync("form.sign-form button[type=submit]");
    }

    /// <summary>Clicks and waits for the page the click leads to (post, redirect, get).</summary>
    /// <remarks>A click that starts a navigation returns once the new page has committed; then wait for it to load.</remarks>
    /// <remarks>
    /// On two busy cores Chromium has, a few times in a full run, never finished loading the page a click led to while the
    /// service had answered every request in milliseconds (its log, printed by scripts/test.sh when a browser test fails).
    /// After 45 s the page is loaded again, as a patient would, and the walk goes on from what it shows (the service decides
    /// the current step, so nothing is skipped); the stall is written to the test output.
    /// </remarks>
    public async Task SubmitAsync(string selector)
    {
        await page.Locator(selector).First.ClickAsync();
        try
        {
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded, new() { Timeout = 45_000 });
        }
        catch (TimeoutException)
        {
            Console.WriteLine($"Chromium did not finish loading the page after a click on {selector} (at {page.Url}) within 45 s; loading it again.");
            await page.GotoAsync(page.Url);
        }
    }

    /// <summary>Pages of one kind share their markup; waiting and ending pages differ by what they say.</summary>
    private async Task<string> AxeKindAsync(Kind kind) => kind switch
    {
        Kind.Waiting or Kind.Ending => kind + ":" + await page.Locator("h1").First.InnerTextAsync(),
        Kind.Quiz when await Has(".review-passage") => "quiz-review",
        _ => kind.ToString(),
    };

    private async Task<bool> Has(string selector) => await page.Locator(selector).CountAsync() > 0;

    private async Task<IReadOnlyList<string>> RadioGroupsAsync(string prefix)
    {
        var names = new List<string>();
        foreach (var radio in await page.Locator($"input[type=radio][name^='{prefix}']").AllAsync())
        {
            var name = await radio.GetAttributeAsync("name");
            if (name is not null && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static string QuizAnswer(string stepId, string questionId) =>
        Catalog.Value.Workflows.SelectMany(w => w.Definition.Steps).OfType<ComprehensionStep>()
            .Where(s => s.Id == stepId).SelectMany(s => s.Questions).First(q => q.Id == questionId).Answer;

    private static string Name(Kind kind, string? stepId) =>
        kind.ToString().ToLowerInvariant() + (stepId is null ? "" : "-" + stepId);
}
