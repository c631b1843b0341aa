using System.Net;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Sessions;

/// <summary>
/// Issue 16: the shipped consents open with key information. Through the patient API it is the first step after the
/// date-of-birth check, a <c>disclosure</c> (so a client that knows disclosures walks it) with <c>kind: key-information</c>,
/// acknowledged like one and on the chain with its content hash.
/// </summary>
public sealed class KeyInformationFlowTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Theory]
    [InlineData("ketamine-iv-depression", "en", "Key information: the short version")]
    [InlineData("ketamine-chronic-pain", "es", "Lo más importante, en corto")]
    [InlineData("esketamine-nasal-trd", "en", "Key information: the short version")]
    public async Task TheFirstStepAfterIdentity_IsTheKeyInformation_AsADisclosure(string workflow, string language, string title)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(workflow, language);
        var patient = await driver.VerifyAsync(session);

        var step = (await PatientDriver.CurrentAsync(patient, session))["step"]!;
        Assert.Equal(("key-information", "disclosure", "key-information", title),
            (step["id"]!.GetValue<string>(), step["type"]!.GetValue<string>(), step["kind"]!.GetValue<string>(), step["title"]!.GetValue<string>()));
        var answer = await PatientDriver.SubmitAsync(patient, session, "key-information",
            new JsonObject { ["acknowledged"] = true, ["contentHash"] = step["contentHash"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var next = (await PatientDriver.CurrentAsync(patient, session))["step"]!;
        Assert.NotEqual("key-information", next["id"]!.GetValue<string>());
        Assert.Null(next["kind"]);
        var events = await driver.EventsAsync(session.Id);
        Assert.Single(events["events"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "DisclosureAcknowledged" && e["stepId"]?.GetValue<string>() == "key-information");
    }
}
