using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Security;

/// <summary>
/// A patient's or staff member's email is one bare address: "v@b.example (comment) &lt;spy@evil.example&gt;"
/// was accepted and the invitation went to spy@evil.example; a list was silently not sent.
/// </summary>
public sealed class EmailAddressTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private static JsonObject Start(string email) => new()
    {
        ["workflowId"] = "ketamine-iv-depression",
        ["language"] = "en",
        ["patient"] = new JsonObject { ["name"] = "Jane Doe", ["dateOfBirth"] = PatientDriver.DateOfBirth, ["email"] = email },
    };

    [Theory]
    [InlineData("v@b.example (comment) <spy@evil.example>")]
    [InlineData("Visitor <spy@evil.example>")]
    [InlineData("<spy@evil.example>")]
    [InlineData("v@b.example, spy@evil.example")]
    [InlineData("v@b.example,spy@evil.example")]
    [InlineData("v@b.example;spy@evil.example")]
    [InlineData("\"v b\"@b.example")]
    [InlineData("v@b.example\r\nBcc: spy@evil.example")]
    [InlineData("v@localhost")]
    [InlineData("v..w@b.example")]
    [InlineData("a@b\u0435.example")] // a Cyrillic "е" in the domain: looks like b.example (homoglyph)
    [InlineData("\u0430lice@b.example")] // a Cyrillic "а" in the local part
    [InlineData("jos\u00e9@b.example")]
    [InlineData("v@b\u00fccher.example")]
    [InlineData("spy%evil.example@b.example")] // the "percent hack": a relay may forward to spy@evil.example
    [InlineData("evil.example!spy@b.example")] // a UUCP bang path
    [InlineData("v@b.123")]
    public async Task AnythingButOneBareAddress_IsRefused_AndNoSessionOrMailIsMade(string email)
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var before = await InputProbe.SnapshotAsync(factory);

        var message = await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start(email)), "patient.email");

        Assert.Contains("one plain email address", message, StringComparison.Ordinal);
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task ABareAddress_IsKeptAsTyped_AndOneWithADisplayNameIsNot()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        const string Email = "Jo.O'Neil+consent@Clinic.Example";

        var started = await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start("  " + Email + " "));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var detail = await clinician.GetFromJsonAsync<JsonObject>(started.Headers.Location!.ToString());
        Assert.Equal(Email, detail!["patient"]!["email"]!.GetValue<string>());

        await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start($"Jo <{Email}>")), "patient.email");
    }

    /// <summary>The rule the README states: ASCII dot-atom without "%" and "!", a domain of ASCII letters, digits and hyphens (IDNs as xn--).</summary>
    [Theory]
    [InlineData("jo.o'neil+consent@b-c.example")]
    [InlineData("V_W-x=y#z@sub.b.example")]
    [InlineData("v@xn--bcher-kva.example")]
    [InlineData("1234@b.example")]
    public async Task PlainAsciiAddresses_AreAccepted(string email)
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);

        var started = await InputProbe.PostJsonAsync(clinician, "/api/v1/sessions", Start(email));

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
    }

    [Theory]
    [InlineData("Name <new.staff@example.org>")]
    [InlineData("new.staff@example.org (admin)")]
    [InlineData("new.staff@example.org, other@example.org")]
    public async Task AStaffAccount_NeedsABareAddressToo(string email)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var before = await InputProbe.SnapshotAsync(factory);

        await InputProbe.AssertFieldErrorAsync(await InputProbe.PostJsonAsync(admin, "/api/v1/admin/users", new JsonObject
        {
            ["email"] = email, ["displayName"] = "New Staff", ["roles"] = new JsonArray("Clinician"),
        }), "email");

        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }
}
