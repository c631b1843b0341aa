using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Security;

/// <summary>A NUL character (U+0000) in a JSON string, a query parameter or a page form is a 400 problem that reaches no query.</summary>
public sealed class NulCharacterTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task NulInTheSessionListFilter_Is400_AndTheNextSearchesStillWork()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        // Enough searches for the pooled connections to auto-prepare the statement first.
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/api/v1/sessions?mrn=MRN-{i}")).StatusCode);
        }

        for (var i = 0; i < 12; i++)
        {
            var refused = await clinician.GetAsync("/api/v1/sessions?mrn=MRN%00" + i);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            // Refused before any query ("Invalid text"), not by PostgreSQL's 22021 ("Invalid data").
            Assert.Contains("\"Invalid text\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/api/v1/sessions?mrn=MRN-{i}")).StatusCode);
        }
    }

    /// <remarks>
    /// The malformed-input run once got a 500 here: a NUL in <c>workflowId</c> reached the workflow lookup,
    /// PostgreSQL refused it (22021), and the next lookup on that pooled connection's auto-prepared
    /// statement failed with "Received unexpected backend message DataRow".
    /// </remarks>
    [Fact]
    public async Task NulInTheWorkflowId_Is400_AndTheNextSessionsStillStart()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var patient = new { name = "Nul Test", dateOfBirth = "1975-06-30" };
        for (var i = 0; i < 30; i++)
        {
            var refused = await clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression\0", language = "en", patient });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("NUL", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var started = await clinician.PostAsJsonAsync("/api/v1/sessions", new { workflowId = "ketamine-iv-depression", language = "en", patient });
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        }
    }

    [Fact]
    public async Task NulInAJsonString_IsAValidationProblemNamingTheMember()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 12; i++)
        {
            var refused = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"clin\0ician{i}@example.org", password = "x" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Contains("\"email\"", body, StringComparison.Ordinal);
            Assert.Contains("NUL", body, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(await factory.LoginAsync(Staff.Clinician)));
        }
    }

    [Fact]
    public async Task NulInASignInForm_Is400()
    {
        using var client = factory.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "a\0b@example.org", ["Input.Password"] = "x" });
        var refused = await client.PostAsync("/Account/Login", form);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("NUL", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
