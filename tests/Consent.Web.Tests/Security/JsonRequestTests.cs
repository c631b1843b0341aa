using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Security;

/// <summary>
/// One rule for every JSON body: a member name appears once per object (comparing names ignoring case,
/// as binding does), and the body is application/json or application/*+json in UTF-8.
/// </summary>
public sealed class JsonRequestTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Theory]
    [InlineData("dateOfBirth")]
    [InlineData("DateOfBirth")]
    public async Task ARepeatedDateOfBirth_OnVerify_IsRefused_AndTheIdentityIsNotVerified(string second)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var patient = factory.CreateClient();

        var response = await patient.PostAsync($"/api/v1/patient/{session.Token}/verify",
            InputProbe.Json($$"""{"dateOfBirth":"1900-01-01","{{second}}":"{{PatientDriver.DateOfBirth}}"}"""));

        var message = await InputProbe.AssertFieldErrorAsync(response, second);
        Assert.Contains("more than once", message, StringComparison.Ordinal);
        var events = (await driver.EventsAsync(session.Id))["events"]!.AsArray();
        Assert.DoesNotContain(events, e => e!["type"]!.GetValue<string>() is "IdentityVerified" or "IdentityCheckFailed");
    }

    /// <summary>Every JSON endpoint, each with one member sent twice; the second copy would be accepted on its own.</summary>
    public static TheoryData<string, string, string, string, string> Endpoints => new()
    {
        { "none", "POST", "/api/v1/auth/login", """{"email":"nobody@example.org","password":"x","Email":"clinician@example.org"}""", "Email" },
        { "clinician", "POST", "/api/v1/sessions", """{"workflowId":"ketamine-iv-depression","language":"en","patient":{"name":"A","dateOfBirth":"1975-06-30","name":"B"}}""", "patient.name" },
        { "clinician", "POST", "/api/v1/sessions/{id}/countersign", """{"password":"x","statementAccepted":true,"password":"y"}""", "password" },
        { "clinician", "POST", "/api/v1/sessions/{id}/questions/q1/answer", """{"answer":"a","answer":"b"}""", "answer" },
        { "clinician", "POST", "/api/v1/sessions/{id}/discussions", """{"note":"a","Note":"b"}""", "Note" },
        { "clinician", "POST", "/api/v1/sessions/{id}/void", """{"reason":"a","reason":"b"}""", "reason" },
        { "clinician", "POST", "/api/v1/sessions/{id}/withdraw", """{"reason":"a","reason":"b"}""", "reason" },
        { "admin", "POST", "/api/v1/admin/users", """{"email":"a@example.org","displayName":"A","roles":["Clinician"],"roles":["Admin"]}""", "roles" },
        { "admin", "PUT", "/api/v1/admin/users/{staff}/roles", """{"roles":["Clinician"],"roles":["Admin"]}""", "roles" },
        { "reviewer", "POST", "/api/v1/workflows/ketamine-iv-depression/versions/1/retire", """{"comment":"a","comment":"b"}""", "comment" },
        { "clinician", "POST", "/api/v1/account/two-factor/enable", """{"code":"1","code":"2"}""", "code" },
        { "patient", "POST", "/api/v1/patient/{token}/decline", """{"reason":"a","reason":"b"}""", "reason" },
        { "patient", "POST", "/api/v1/patient/{token}/questions", """{"question":"a","question":"b"}""", "question" },
        { "patient", "POST", "/api/v1/patient/{token}/steps/screening", """{"answers":{"psychosis":true,"psychosis":false}}""", "answers.psychosis" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ARepeatedMember_IsA400NamingIt_OnEveryJsonEndpoint_AndChangesNothing(string auth, string method, string path, string body, string member)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var patient = await driver.VerifyAsync(session);
        using var client = auth switch
        {
            "patient" => factory.CreateClient(),
            "none" => factory.CreateClient(),
            "clinician" => await factory.ClientForAsync(Staff.Clinician),
            "admin" => await factory.ClientForAsync(Staff.Admin),
            _ => await factory.ClientForAsync(Staff.Reviewer),
        };
        client.DefaultRequestHeaders.Authorization ??= auth == "patient" ? patient.DefaultRequestHeaders.Authorization : null;
        var before = await InputProbe.SnapshotAsync(factory);

        using var request = new HttpRequestMessage(new HttpMethod(method),
            path.Replace("{id}", session.Id.ToString(), StringComparison.Ordinal).Replace("{token}", session.Token, StringComparison.Ordinal)
                .Replace("{staff}", Guid.NewGuid().ToString(), StringComparison.Ordinal))
        {
            Content = InputProbe.Json(body),
        };
        var message = await InputProbe.AssertFieldErrorAsync(await client.SendAsync(request), member);

        Assert.Contains($"'{member}' appears more than once", message, StringComparison.Ordinal);
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Theory]
    [InlineData("application/jsonp")]
    [InlineData("application/json-seq")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("text/json")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task AnythingButJson_IsA415_OnTheStepEndpoint_AndTheOthers(string contentType)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var patient = await driver.VerifyAsync(session);
        var before = await InputProbe.SnapshotAsync(factory);
        var first = (await PatientDriver.CurrentAsync(patient, session))["step"]!.AsObject();
        var answer = driver.DefaultAnswer(first);

        foreach (var (path, body) in new[]
        {
            ($"/api/v1/patient/{session.Token}/steps/{first["id"]!.GetValue<string>()}", answer.ToJsonString()),
            ($"/api/v1/patient/{session.Token}/questions", """{"question":"Can I drive?"}"""),
        })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            var response = await patient.PostAsync(path, content);

            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{path} {contentType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("APPLICATION/JSON; CHARSET=\"UTF-8\"")]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/vnd.consent.step+json; charset=utf-8")]
    public async Task JsonAndPlusJsonTypes_AreAccepted_OnTheStepEndpoint_AndTheOthers(string contentType)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var patient = await driver.VerifyAsync(session);
        var first = (await PatientDriver.CurrentAsync(patient, session))["step"]!.AsObject();
        var answer = driver.DefaultAnswer(first);

        foreach (var (path, body) in new[]
        {
            ($"/api/v1/patient/{session.Token}/steps/{first["id"]!.GetValue<string>()}", answer.ToJsonString()),
            ($"/api/v1/patient/{session.Token}/questions", """{"question":"Can I drive?"}"""),
        })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var response = await patient.PostAsync(path, content);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} {contentType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
