using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// CDS Hooks 2.0, "Trusting CDS Clients": every call carries a JWT signed by a trusted client. Each way a token can be
/// wrong is its own 401 problem with its own title, and a refused call stores nothing (not even its jti).
/// </summary>
public sealed class CdsHooksSecurityTests(CdsFactory factory) : IClassFixture<CdsFactory>
{
    private static readonly JsonObject OtherDrug = CdsFactory.OrderSign("617993", "Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension", CdsFactory.Patient());

    [Fact]
    public async Task AGoodToken_IsAccepted_WithEitherRecommendedAlgorithm()
    {
        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience)))));
        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Rs384(EhrClient.Claims(CdsFactory.CdsAudience)))));
    }

    [Fact]
    public async Task NoToken_IsRefused()
    {
        using var client = factory.CreateClient();
        var before = await factory.TokenUsesAsync();

        var response = await client.PostAsJsonAsync("/cds-services/ketamine-consent", OtherDrug);

        await AssertRefusedAsync(response, "Missing token", before);
    }

    [Fact]
    public async Task AnUnknownIssuer_IsRefused()
    {
        var claims = EhrClient.Claims(CdsFactory.CdsAudience);
        claims["iss"] = "https://other-ehr.example.org";
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(claims)), "Unknown client", before);
    }

    [Fact]
    public async Task AnUnknownKey_IsRefused()
    {
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience), kid: "not-a-key-of-this-ehr")),
            "Unknown key", before);
    }

    [Fact]
    public async Task ASignatureByAnotherKey_IsRefused()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var before = await factory.TokenUsesAsync();

        var token = factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience), signer: stranger);

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, token), "Bad signature", before);
    }

    [Fact]
    public async Task AnotherAudience_IsRefused()
    {
        var before = await factory.TokenUsesAsync();

        // A token the EHR made for the FHIR search is not one for the CDS Service, and the reverse.
        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(EhrClient.Claims(CdsFactory.FhirAudience))), "Wrong audience", before);
    }

    [Fact]
    public async Task AnExpiredToken_IsRefused()
    {
        var claims = EhrClient.Claims(CdsFactory.CdsAudience, DateTimeOffset.UtcNow.AddMinutes(-10));
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(claims)), "Token expired", before);
    }

    /// <summary>RFC 7515 4.1.11: a "crit" extension the service does not understand rejects the token.</summary>
    [Fact]
    public async Task ACriticalHeaderExtension_IsRefused()
    {
        var before = await factory.TokenUsesAsync();
        var token = factory.Ehr.Es384WithHeader(EhrClient.Claims(CdsFactory.CdsAudience), new JsonObject { ["crit"] = new JsonArray("exp"), ["exp"] = 1 });

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, token), "Unsupported critical header", before);
    }

    [Fact]
    public async Task AReplayedToken_IsRefused_TheSecondTime()
    {
        var token = factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience));
        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(OtherDrug, token)));
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, token), "Token already used", before);
    }

    /// <summary>
    /// A bearer token that is not a JWS, such as a JWE (five parts, RFC 7516) or parts that are not base64url JSON, is
    /// "Malformed token" on both EHR endpoints: never a 500, and never an error with a stack trace in the log.
    /// </summary>
    [Theory]
    [InlineData("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImVoci1lczM4NC0xIn0.a.b.c.d")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9.!!!.c")]
    [InlineData("bm90IGpzb24.bm90IGpzb24.c")]
    [InlineData("e30.W10.c")]
    public async Task AMalformedToken_IsRefused_OnBothEndpoints_WithoutAStackTrace(string token)
    {
        var before = await factory.TokenUsesAsync();
        var logged = factory.LogLines.Count;

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, token), "Malformed token", before);
        using var client = factory.CreateClient();
        using var search = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Consent?patient.identifier={CdsFactory.Mrn}");
        search.Headers.Authorization = EhrClient.Bearer(token);
        await AssertRefusedAsync(await client.SendAsync(search), "Malformed token", before);

        var lines = factory.LogLines.Skip(logged).ToList();
        Assert.DoesNotContain(lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    /// <summary>aud must be the endpoint's URL exactly: IdentityModel's default would also take it with a trailing slash.</summary>
    [Fact]
    public async Task AnAudienceWithATrailingSlash_IsRefused()
    {
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience + "/"))), "Wrong audience", before);
    }

    /// <summary>RFC 7519 §4.1.5: a token is not accepted before its nbf (beyond the clock skew); within the skew it is.</summary>
    [Fact]
    public async Task ATokenNotYetValid_IsRefused()
    {
        var early = EhrClient.Claims(CdsFactory.CdsAudience);
        early["nbf"] = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds();
        var withinSkew = EhrClient.Claims(CdsFactory.CdsAudience);
        withinSkew["nbf"] = DateTimeOffset.UtcNow.AddSeconds(10).ToUnixTimeSeconds();
        var notANumber = EhrClient.Claims(CdsFactory.CdsAudience);
        notANumber["nbf"] = "tomorrow";
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(early)), "Token not yet valid", before);
        // IdentityModel reads nbf with the token: a value that is not a NumericDate makes it unreadable.
        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(notANumber)), "Malformed token", before);
        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(OtherDrug, factory.Ehr.Es384(withinSkew))));
    }

    /// <summary>
    /// The algorithm must be the key's: RFC 7518 §3.4 pairs ES256, ES384 and ES512 with P-256, P-384 and P-521, RS and PS
    /// need an RSA key, and a JWK's own alg must be the token's. The EHR's keys say ES384 and RS384.
    /// </summary>
    [Theory]
    [InlineData("ES512")]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("PS384")]
    public async Task AnAlgorithmOtherThanTheKeys_IsRefused(string alg)
    {
        var claims = EhrClient.Claims(CdsFactory.CdsAudience);
        var hash = alg[2..] switch { "256" => HashAlgorithmName.SHA256, "384" => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 };
        var token = alg.StartsWith("ES", StringComparison.Ordinal) ? factory.Ehr.SignedAs(claims, alg, hash)
            : factory.Ehr.RsaSignedAs(claims, alg, hash, alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        var before = await factory.TokenUsesAsync();

        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, token), "Algorithm not accepted", before);
    }

    /// <summary>A JWK without alg: the curve decides (RFC 7518 §3.4). A P-384 key signs ES384, not ES512 or ES256.</summary>
    [Fact]
    public async Task AKeyWithoutAlg_AcceptsOnlyItsCurvesAlgorithm()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        const string issuer = "https://no-alg-ehr.example.org";
        const string kid = "no-alg-p384";
        var trusted = JsonNode.Parse(await File.ReadAllTextAsync(factory.Ehr.TrustedClientsPath))!;
        trusted["clients"]!.AsArray().Add(new JsonObject { ["iss"] = issuer, ["keys"] = new JsonArray(EhrClient.EcJwk(key, kid, alg: null)) });
        await File.WriteAllTextAsync(factory.Ehr.TrustedClientsPath, trusted.ToJsonString());
        JsonObject Claims()
        {
            var claims = EhrClient.Claims(CdsFactory.CdsAudience);
            claims["iss"] = issuer;
            return claims;
        }

        var before = await factory.TokenUsesAsync();
        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.SignedAs(Claims(), "ES512", HashAlgorithmName.SHA512, kid, key)), "Algorithm not accepted", before);
        await AssertRefusedAsync(await factory.CallAsync(OtherDrug, factory.Ehr.SignedAs(Claims(), "ES256", HashAlgorithmName.SHA256, kid, key)), "Algorithm not accepted", before);
        Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(OtherDrug, factory.Ehr.SignedAs(Claims(), "ES384", HashAlgorithmName.SHA384, kid, key))));
    }

    [Fact]
    public async Task TheReadmesScript_MakesATrustedClientFile_AndTokensTheServiceAccepts()
    {
        // scripts/ehr-client.sh (README, "Connecting an EHR"): its file's client added to the trusted ones, read again on change.
        var keys = Directory.CreateTempSubdirectory("ehr-client-").FullName;
        try
        {
            const string issuer = "https://script-ehr.example.org";
            var file = JsonNode.Parse(await RunScriptAsync("keys", keys, issuer))!;
            var trusted = JsonNode.Parse(await File.ReadAllTextAsync(factory.Ehr.TrustedClientsPath))!;
            trusted["clients"]!.AsArray().Add(file["clients"]![0]!.DeepClone());
            await File.WriteAllTextAsync(factory.Ehr.TrustedClientsPath, trusted.ToJsonString());

            var token = (await RunScriptAsync("token", keys, issuer, CdsFactory.CdsAudience)).Trim();

            Assert.Empty(await CdsFactory.CardsAsync(await factory.CallAsync(OtherDrug, token)));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "scripts", "ehr-client.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return output;
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string title, long usesBefore)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(title, problem["title"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(usesBefore, await factory.TokenUsesAsync());
    }
}
