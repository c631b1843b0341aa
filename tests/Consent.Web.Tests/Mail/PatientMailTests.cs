using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using MimeKit;
using Npgsql;

namespace Consent.Web.Tests.Mail;

/// <summary>Patient mail by SMTP: the invitation link, then a copy of each record; nothing about the patient in a subject.</summary>
public sealed class PatientMailTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    [Fact]
    public async Task AnEmailAddress_GetsTheInvitationLink_WithNoPatientDataInTheSubject()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = Address();

        var (id, url) = await StartAsync(clinician, email, "en");

        var message = Assert.Single(await factory.MailForAsync(email));
        Assert.Equal("Your consent form is ready", message.Subject);
        Assert.Equal(MailboxAddress.Parse(MailWebFactory.From), message.From.Mailboxes.Single());
        Assert.Contains(url, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(RecordsWebFactory.ClinicName, message.TextBody, StringComparison.Ordinal);
        Assert.Contains("date of birth", message.TextBody, StringComparison.Ordinal);
        AssertNothingAboutThePatient(message.Subject!, email);
        Assert.DoesNotContain(PatientDriver.PatientName, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(id.ToString("N"), message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASpanishSession_GetsSpanishMail()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = Address();

        await StartAsync(clinician, email, "es");

        var message = Assert.Single(await factory.MailForAsync(email));
        Assert.Equal("Su formulario de consentimiento está listo", message.Subject);
        Assert.Contains("fecha de nacimiento", message.TextBody, StringComparison.Ordinal);
    }

    /// <summary>Issue 14: a dose-day check-in's invitation asks a few questions before today's dose; it is not "your consent form".</summary>
    [Fact]
    public async Task ACheckin_GetsTheCheckinInvitation_NotTheConsentFormOne()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var consent = await RecordSessions.CompleteAsync(driver);
        var patientId = (await driver.Clinician.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{consent.Id}")).GetProperty("patientId").GetGuid();
        var email = Address();
        var corrected = await driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/corrections", new
        {
            name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth, mrn = "MRN-0042", email, preferredLanguage = "", reason = "Email given at the desk.",
        });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);

        var started = await driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = "ketamine-iv-dose-checkin" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var url = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("patientUrl").GetString()!;

        var message = Assert.Single(await factory.MailForAsync(email));
        Assert.Equal("Questions before your treatment today", message.Subject);
        Assert.Contains(url, message.TextBody, StringComparison.Ordinal);
        Assert.Contains("If you do not agree to the treatment today, you can say so there.", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("consent form", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoEmailAddress_NoMailJob()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var (id, _) = await StartAsync(clinician, null, "en");

        await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox_jobs WHERE session_id = @s AND kind = 'send-mail'", await factory.OpenDatabaseAsync());
        count.Parameters.AddWithValue("s", id);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task AfterSigning_ThePatientGetsTheirCopy_ThePdfAttached()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var email = Address();
        var (id, url) = await StartAsync(driver.Clinician, email, "en");
        var session = new StartedSession(id, url[(url.LastIndexOf('/') + 1)..], url);
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, id);

        var copy = (await factory.MailForAsync(email, 2)).Single(m => m.Attachments.Any());

        Assert.Equal("Your copy of your signed consent", copy.Subject);
        AssertNothingAboutThePatient(copy.Subject!, email);
        var attachment = Assert.IsType<MimePart>(Assert.Single(copy.Attachments));
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        Assert.Equal($"consent-record-{id}-consent.pdf", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        Assert.Equal(pdf, content.ToArray());
    }

    /// <summary>
    /// With a legally authorized representative who gave an email address, the link goes to them, worded to them about the
    /// patient, in the session's language; the patient is not mailed (they may not be able to take part).
    /// </summary>
    [Fact]
    public async Task ARepresentative_IsMailedTheLink_AndThePatientIsNot()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var (patient, representative) = (Address(), Address());
        var response = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "es",
            patient = new { name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth, mrn = "MRN-LAR-MAIL", email = patient },
            representative = new { name = "Ana Pérez Ruiz", relationship = "hija", authority = "poder notarial para la atención médica", email = representative },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("patientUrl").GetString()!;

        var message = Assert.Single(await factory.MailForAsync(representative));
        Assert.Equal("Un formulario de consentimiento para revisar como representante", message.Subject);
        AssertNothingAboutThePatient(message.Subject!, representative);
        Assert.Equal("Ana Pérez Ruiz", message.To.Mailboxes.Single().Name);
        Assert.Contains(url, message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Hola, Ana Pérez Ruiz:", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"representante legalmente autorizado de {PatientDriver.PatientName}", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"la fecha de nacimiento de {PatientDriver.PatientName}", message.TextBody, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(factory.Smtp.ReceivedEmail, m => m.ToAddresses.Any(a => a.Address == patient));
    }

    internal static string Address() => $"patient-{Guid.NewGuid():N}@example.net";

    private static void AssertNothingAboutThePatient(string subject, string email)
    {
        foreach (var personal in new[] { PatientDriver.PatientName, "María", "Pérez", PatientDriver.DateOfBirth, "1975", "MRN", email, "ketamine", "ketamina" })
        {
            Assert.DoesNotContain(personal, subject, StringComparison.OrdinalIgnoreCase);
        }
    }

    internal static async Task<(Guid Id, string PatientUrl)> StartAsync(HttpClient clinician, string? email, string language)
    {
        var response = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language,
            patient = new { name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth, mrn = "MRN-7", email },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("patientUrl").GetString()!);
    }
}
