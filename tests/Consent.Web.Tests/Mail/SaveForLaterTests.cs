using System.Net;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Mail;

/// <summary>
/// "Save and finish later": on every patient page while the form is open; leaving keeps everything,
/// closes the form on the device, and an optional reminder goes by email, with the link stored only
/// encrypted, to the address the clinic has; not when the form was finished or ended before it was due.
/// </summary>
public sealed class SaveForLaterTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    [Fact]
    public async Task APatientSavesForLaterWithAReminder_LeavesTheDevice_AndGetsTheReminderWithTheLink()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = PatientMailTests.Address();
        var (id, url) = await PatientMailTests.StartAsync(clinician, email, "es");
        var link = new Uri(url).AbsolutePath;
        var token = link["/p/".Length..];
        using var browser = await VerifiedBrowserAsync(link);

        // Every page of the open form offers it.
        var step = WebUtility.HtmlDecode(await browser.GetStringAsync($"{link}/step"));
        Assert.Contains($"href=\"{link}/later\"", step, StringComparison.Ordinal);
        Assert.Contains("Guardar y terminar más tarde", step, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}/later\"", await browser.GetStringAsync($"{link}/question"), StringComparison.Ordinal);

        var later = WebUtility.HtmlDecode(await browser.GetStringAsync($"{link}/later"));
        Assert.Contains(email[0] + "•••@example.net", later, StringComparison.Ordinal);
        Assert.DoesNotContain(email, later, StringComparison.Ordinal);
        Assert.Contains("value=\"tomorrow\"", later, StringComparison.Ordinal);

        var left = await StaffCookies.PostFormAsync(browser, $"{link}/later", $"{link}/later", new Dictionary<string, string> { ["Remind"] = "tomorrow" });
        Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        var page = WebUtility.HtmlDecode(await left.Content.ReadAsStringAsync());
        Assert.Contains("Sus respuestas están guardadas", page, StringComparison.Ordinal);
        Assert.Contains("Le enviaremos un recordatorio por correo electrónico el", page, StringComparison.Ordinal);
        Assert.Contains(left.Headers.GetValues("Set-Cookie"), c => c.StartsWith("consent_patient=;", StringComparison.Ordinal));

        // The form is closed on this device: the step page sends it back to the date-of-birth check.
        var again = await browser.GetAsync($"{link}/step");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);

        // One reminder job, due in a day, the link only encrypted.
        var job = await ReminderAsync(id);
        Assert.NotNull(job);
        Assert.InRange(job.NotBefore - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
        Assert.DoesNotContain(token, job.Payload, StringComparison.Ordinal);

        // A day later (the job made due now), the reminder arrives with the link, in Spanish.
        await DueNowAsync(job.Id);
        var messages = await factory.MailForAsync(email, count: 2);
        var reminder = Assert.Single(messages, m => m.Subject!.StartsWith("Un recordatorio", StringComparison.Ordinal));
        Assert.Contains(url, reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains("fecha de nacimiento", reminder.TextBody, StringComparison.Ordinal);
        var sent = await Deadline.ValueAsync("the reminder's job done", async () => await JobAsync(job.Id) is { CompletedAt: not null } done ? done : null);
        Assert.DoesNotContain("\"link\"", sent.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReminderForAFormDeclinedBeforeItWasDue_IsNotSent()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = PatientMailTests.Address();
        var (id, url) = await PatientMailTests.StartAsync(clinician, email, "en");
        var link = new Uri(url).AbsolutePath;
        using var browser = await VerifiedBrowserAsync(link);
        Assert.Equal(HttpStatusCode.OK, (await StaffCookies.PostFormAsync(browser, $"{link}/later", $"{link}/later",
            new Dictionary<string, string> { ["Remind"] = "three-days" })).StatusCode);
        var job = (await ReminderAsync(id))!;
        Assert.InRange(job.NotBefore - DateTimeOffset.UtcNow, TimeSpan.FromHours(71), TimeSpan.FromHours(73));

        // The patient comes back and declines; when the reminder falls due, nothing goes out.
        using var back = await VerifiedBrowserAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.PostFormAsync(back, $"{link}/decline", $"{link}/decline")).StatusCode);
        await DueNowAsync(job.Id);
        var done = await Deadline.ValueAsync("the reminder's job done", async () => await JobAsync(job.Id) is { CompletedAt: not null } j ? j : null);
        Assert.Contains("\"sent\": false", done.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Smtp.ReceivedEmail, m => m.ToAddresses.Any(a => a.Address == email) && m.Subject.StartsWith("A reminder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReminderChoiceNotOffered_IsRefused_AndWithoutAnAddressNoneIsOffered()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var (id, url) = await PatientMailTests.StartAsync(clinician, PatientMailTests.Address(), "en");
        var link = new Uri(url).AbsolutePath;
        using var browser = await VerifiedBrowserAsync(link);
        var refused = await StaffCookies.PostFormAsync(browser, $"{link}/later", $"{link}/later", new Dictionary<string, string> { ["Remind"] = "next-year" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Choose one of the reminder options.", page, StringComparison.Ordinal);
        Assert.Contains("href=\"#remind-0\"", page, StringComparison.Ordinal);
        Assert.Null(await ReminderAsync(id));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{link}/step")).StatusCode); // still in: nothing was left

        var (_, noEmailUrl) = await PatientMailTests.StartAsync(clinician, null, "en");
        var noEmail = new Uri(noEmailUrl).AbsolutePath;
        using var other = await VerifiedBrowserAsync(noEmail);
        var later = await other.GetStringAsync($"{noEmail}/later");
        Assert.Contains("Your clinic has no email address for you", later, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Remind\"", later, StringComparison.Ordinal);
    }

    /// <summary>
    /// An outside review forged the Host header of the patient's request and the clinic mailed a link to
    /// its site. The reminder's link is on the service's own address, whatever the request said.
    /// </summary>
    [Fact]
    public async Task AForgedHostHeader_DoesNotReachTheReminder_ItsLinkIsOnTheServicesAddress()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = PatientMailTests.Address();
        var (id, url) = await PatientMailTests.StartAsync(clinician, email, "en");
        var link = new Uri(url).AbsolutePath;
        using var browser = await VerifiedBrowserAsync(link);
        browser.DefaultRequestHeaders.Host = "clinic.example.org.phish.example";
        Assert.Equal(HttpStatusCode.OK, (await StaffCookies.PostFormAsync(browser, $"{link}/later", $"{link}/later",
            new Dictionary<string, string> { ["Remind"] = "tomorrow" })).StatusCode);

        await DueNowAsync((await ReminderAsync(id))!.Id);
        var messages = await factory.MailForAsync(email, count: 2);
        var reminder = Assert.Single(messages, m => m.Subject!.StartsWith("A reminder", StringComparison.Ordinal));
        Assert.DoesNotContain("phish", reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains("http://localhost" + link, reminder.TextBody, StringComparison.Ordinal);
    }

    /// <summary>A burst of requests at once leaves one reminder (the session's row is locked), and "No, thank you" calls it off.</summary>
    [Fact]
    public async Task ABurstOfRequests_LeavesOneReminder_AndNoThankYouCallsItOff()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var (id, url) = await PatientMailTests.StartAsync(clinician, PatientMailTests.Address(), "en");
        var link = new Uri(url).AbsolutePath;

        // As a script would send them (the attack used curl): each request carries the ticket itself, so
        // the first answer's "leave" (which removes the cookie in a browser) does not stop the others.
        using var raw = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var front = await raw.GetAsync(link);
        var cookies = Cookies(front);
        var verified = await SendFormAsync(raw, link, cookies, Token(await front.Content.ReadAsStringAsync()),
            new() { ["Day"] = "30", ["Month"] = "6", ["Year"] = "1975" });
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
        cookies = $"{cookies}; {Cookies(verified)}";
        using var laterPage = new HttpRequestMessage(HttpMethod.Get, $"{link}/later");
        laterPage.Headers.Add("Cookie", cookies);
        var antiforgery = Token(await (await raw.SendAsync(laterPage)).Content.ReadAsStringAsync());
        for (var burst = 0; burst < 3; burst++)
        {
            var posts = Enumerable.Range(0, 30).Select(_ => SendFormAsync(raw, $"{link}/later", cookies, antiforgery, new() { ["Remind"] = "tomorrow" })).ToList();
            Assert.All(await Task.WhenAll(posts), answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
            Assert.Equal(1L, await PendingRemindersAsync(id));
        }

        Assert.Equal(HttpStatusCode.OK, (await SendFormAsync(raw, $"{link}/later", cookies, antiforgery, new() { ["Remind"] = "none" })).StatusCode);
        Assert.Equal(0L, await PendingRemindersAsync(id));
        var cancelled = (await ReminderAsync(id))!;
        Assert.NotNull(cancelled.CompletedAt);
        Assert.DoesNotContain("\"link\"", cancelled.Payload, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendFormAsync(HttpClient raw, string path, string cookies, string antiforgery, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = antiforgery;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", cookies);
        return await raw.SendAsync(request);
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

    private static string Token(string page) =>
        WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);

    private async Task<long> PendingRemindersAsync(Guid sessionId)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM outbox_jobs WHERE kind = 'send-mail' AND session_id = @s AND payload->>'what' = 'reminder' AND completed_at IS NULL", db);
        query.Parameters.AddWithValue("s", sessionId);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>A browser that has confirmed the date of birth on the link's page.</summary>
    private async Task<HttpClient> VerifiedBrowserAsync(string link)
    {
        var browser = PageForms.Browser(factory);
        var verified = await StaffCookies.PostFormAsync(browser, link, link, new Dictionary<string, string> { ["Day"] = "30", ["Month"] = "6", ["Year"] = "1975" });
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
        return browser;
    }

    private sealed record MailJob(long Id, string Payload, DateTimeOffset NotBefore, DateTimeOffset? CompletedAt);

    private async Task<MailJob?> ReminderAsync(Guid sessionId) =>
        await QueryAsync("session_id = @v AND payload->>'what' = 'reminder'", sessionId);

    private async Task<MailJob?> JobAsync(long id) => await QueryAsync("id = @v", id);

    private async Task<MailJob?> QueryAsync(string condition, object value)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand($"SELECT id, payload::text, not_before, completed_at FROM outbox_jobs WHERE kind = 'send-mail' AND {condition}", db);
        query.Parameters.AddWithValue("v", value);
        await using var reader = await query.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new MailJob(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    /// <summary>Time passing: the job falls due now, and the worker is told (it also polls).</summary>
    private async Task DueNowAsync(long id)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var update = new NpgsqlCommand("UPDATE outbox_jobs SET not_before = now() WHERE id = @id", db);
        update.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
