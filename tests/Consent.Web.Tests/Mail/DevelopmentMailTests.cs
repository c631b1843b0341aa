using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using MimeKit;

namespace Consent.Web.Tests.Mail;

/// <summary>In Development with no SMTP server, mail is written as .eml files under CONSENT_DATA_DIR/mail/.</summary>
public sealed class DevelopmentMailTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task WithoutSmtpHost_TheInvitationIsAnEmlFileInTheDataFolder()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = $"patient-{Guid.NewGuid():N}@example.net";
        var response = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en",
            patient = new { name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth, email },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("patientUrl").GetString()!;

        var folder = Path.Combine(factory.DataDirectory, "mail");
        var message = await Deadline.ValueAsync("an .eml file for the invitation", () => Task.FromResult(
            (Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [])
                .Select(f => MimeMessage.Load(f))
                .FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == email))));

        Assert.Equal("Your consent form is ready", message.Subject);
        Assert.Contains(url, message.TextBody, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        // A mail holds a one-time link: only the service's own user reads the files.
        foreach (var file in Directory.GetFiles(folder, "*.eml"))
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }
}
