using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Sessions;

/// <summary>After consenting, the patient can come back to the same link for their copy.</summary>
public sealed class PatientAfterTheEndTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task AfterCompletion_ANewDeviceVerifies_AndDownloadsThePatientsSignedCopy()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(session), session);
        await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign", new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });

        using var laterDevice = factory.CreateClient();
        var wrong = await laterDevice.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = "1980-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var verified = await laterDevice.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = PatientDriver.DateOfBirth });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        laterDevice.DefaultRequestHeaders.Authorization = new("Bearer",
            (await verified.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString());

        var current = await PatientDriver.CurrentAsync(laterDevice, session);
        Assert.Equal("Completed", current["sessionStatus"]!.GetValue<string>());
        Assert.Null(current["step"]);

        var bytes = await Deadline.ValueAsync("the patient's copy of the record", async () =>
        {
            using var copy = await laterDevice.GetAsync($"/api/v1/patient/{session.Token}/record.pdf");
            if (copy.StatusCode == HttpStatusCode.OK)
            {
                return await copy.Content.ReadAsByteArrayAsync();
            }

            Assert.Equal(HttpStatusCode.NotFound, copy.StatusCode); // not issued yet; anything else is a failure now, not after the deadline
            return null;
        });
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);

        var chain = await driver.EventsAsync(session.Id);
        Assert.True(chain["verified"]!.GetValue<bool>());
        Assert.Equal(2, chain["events"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "IdentityVerified"));
        Assert.Equal("Completed", (await driver.SessionAsync(session.Id))["status"]!.GetValue<string>());
    }
}
