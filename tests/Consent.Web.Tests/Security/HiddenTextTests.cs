using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Security;

/// <summary>
/// Free text that reaches a record (names, MRN, questions, answers, notes, reasons, comments, staff
/// names) may not hide anything: zero-width and bidirectional characters are refused with the same
/// field error by the API and the pages, nothing is written, and names in every script still pass.
/// </summary>
public sealed class HiddenTextTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    /// <summary>Shown as "Jane Doe" (a right-to-left override reverses "eoD"), stored as something else.</summary>
    private const string Spoofed = "Jane \u202EeoD";

    private static JsonObject Start(string name, string? mrn = null, string? email = null) => new()
    {
        ["workflowId"] = "ketamine-iv-depression",
        ["language"] = "en",
        ["patient"] = new JsonObject { ["name"] = name, ["dateOfBirth"] = PatientDriver.DateOfBirth, ["mrn"] = mrn, ["email"] = email },
    };

    [Fact]
    public async Task PatientNames_InEveryScriptPass_AsTyped_ButInvisibleAndBidiNamesAreRefused()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        foreach (var name in new[] { "María José Pérez", "Seán O\u2019Neil", "李小龙", "محمد عبد الله", "علی\u200Cرضا", "Nguyễn Thị Minh Khai" })
        {
            var started = await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start(name));
            Assert.True(started.StatusCode == HttpStatusCode.Created, $"{name}: {await started.Content.ReadAsStringAsync()}");
            var detail = await clinician.GetFromJsonAsync<JsonObject>(started.Headers.Location!.ToString());
            Assert.Equal(name, detail!["patient"]!["name"]!.GetValue<string>());
        }

        var before = await InputProbe.SnapshotAsync(factory);
        foreach (var name in new[] { "\u200B\u200B\u200B", Spoofed, "Jane\u2067 Doe\u2069", "\uFEFFJane Doe", "Jane\u00A0\u3164" })
        {
            var message = await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start(name)), "patient.name");
            Assert.Contains("patient.name", message, StringComparison.Ordinal);
        }

        await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start("Jane Doe", mrn: "MRN\u200B1234")), "patient.mrn");
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    /// <summary>
    /// Variation selectors and the other default-ignorable marks draw nothing: "MRN\uFE0F1234" looked
    /// like MRN1234 (and was not found by a search for it), and "María José Pérez\uFE0F" matched the
    /// registered name at the signature. Both were accepted before.
    /// </summary>
    [Fact]
    public async Task InvisibleMarks_InTheMrnTheNameAndTheSignature_AreRefused_AndWriteNothing()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "sign");
        var before = await InputProbe.SnapshotAsync(factory);

        await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start("Jane Doe", mrn: "MRN\uFE0F1234")), "patient.mrn");
        foreach (var name in new[] { "Jane Doe\uFE0F", "Jane\u180B Doe", "Ja\u034Fne Doe", "Jane Doe\U000E0100", "Jane \uFFFC" })
        {
            await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start(name)), "patient.name");
        }

        var signature = driver.DefaultAnswer(new JsonObject { ["type"] = "signature" });
        signature["fullName"] = PatientDriver.PatientName + "\uFE0F";
        var signed = await PatientDriver.SubmitAsync(patient, session, "sign", signature);
        var problem = await signed.Content.ReadAsStringAsync();
        Assert.True(signed.StatusCode == HttpStatusCode.BadRequest, $"{(int)signed.StatusCode} {problem}");
        Assert.Contains("fullName contains characters that are not allowed", problem, StringComparison.Ordinal);
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task EveryFreeTextOfASession_RefusesHiddenCharacters_AndWritesNothing()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var patient = await driver.VerifyAsync(session);
        var asked = await InputProbe.PostJsonAsync(patient, $"/api/v1/patient/{session.Token}/questions", new JsonObject { ["question"] = "Can I drive home?" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var before = await InputProbe.SnapshotAsync(factory);
        var sessionPath = $"/api/v1/sessions/{session.Id}";

        await InputProbe.AssertFieldErrorAsync(
            await InputProbe.PostJsonAsync(patient, $"/api/v1/patient/{session.Token}/questions", new JsonObject { ["question"] = "Is it \u2066safe\u2069?" }), "question");
        await InputProbe.AssertFieldErrorAsync(
            await InputProbe.PostJsonAsync(patient, $"/api/v1/patient/{session.Token}/decline", new JsonObject { ["reason"] = "\u200B\u200B" }), "reason");
        await InputProbe.AssertFieldErrorAsync(
            await InputProbe.PostJsonAsync(driver.Clinician, $"{sessionPath}/questions/q1/answer", new JsonObject { ["answer"] = "No\u202E, never" }), "answer");
        await InputProbe.AssertFieldErrorAsync(
            await InputProbe.PostJsonAsync(driver.Clinician, $"{sessionPath}/discussions", new JsonObject { ["note"] = "Discussed\u200B" }), "note");
        await InputProbe.AssertFieldErrorAsync(
            await InputProbe.PostJsonAsync(driver.Clinician, $"{sessionPath}/void", new JsonObject { ["reason"] = "\u202EWrong patient" }), "reason");
        await InputProbe.AssertFieldErrorAsync(
            await InputProbe.PostJsonAsync(driver.Clinician, $"{sessionPath}/withdraw", new JsonObject { ["reason"] = "Asked\u2060 to stop" }), "reason");

        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task AReviewersComment_AndAStaffDisplayName_RefuseHiddenCharacters()
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var before = await InputProbe.SnapshotAsync(factory);

        await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(reviewer,
            "/api/v1/workflows/ketamine-iv-depression/versions/1/retire", new JsonObject { ["comment"] = "Outdated\u200B" }), "comment");
        await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(admin, "/api/v1/admin/users", new JsonObject
        {
            ["email"] = "nimda@example.org", ["displayName"] = "\u202ENimda", ["roles"] = new JsonArray("Clinician"),
        }), "displayName");

        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task TheStartPage_ShowsTheSameFieldErrors_AndStartsNothing()
    {
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var before = await InputProbe.SnapshotAsync(factory);

        var response = await PageForms.PostAsync(browser, "/clinician/start", new Dictionary<string, string>
        {
            ["Input.Workflow"] = "ketamine-iv-depression@1",
            ["Input.Language"] = "en",
            ["Input.PatientName"] = Spoofed,
            ["Input.DateOfBirth"] = PatientDriver.DateOfBirth,
            ["Input.Email"] = "v@b.example (comment) <spy@evil.example>",
        });

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("patient.name contains characters that are not allowed", page, StringComparison.Ordinal);
        Assert.Contains("patient.email must be one plain email address", page, StringComparison.Ordinal);
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task ThePatientsQuestionPage_SaysWhatIsWrong_InThePatientsLanguage_AndSendsNothing()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(language: "es");
        using var browser = PageForms.Browser(factory);
        // The verify call sets the patient's cookie in this browser, as the date-of-birth page does.
        var verified = await InputProbe.PostJsonAsync(browser, $"/api/v1/patient/{session.Token}/verify", new JsonObject { ["dateOfBirth"] = PatientDriver.DateOfBirth });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var before = await InputProbe.SnapshotAsync(factory);

        var response = await PageForms.PostAsync(browser, $"/p/{session.Token}/question", new Dictionary<string, string> { ["Question"] = "¿Es \u202Eseguro?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("caracteres invisibles o de formato especial", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }
}
