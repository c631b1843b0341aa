using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// A test EHR: key pairs made in the test (ES384 and RS384, as CDS Hooks 2.0 recommends), the trusted-clients file that
/// names their public halves, and JWTs signed by hand so a test can give any header or claim (or leave one out).
/// </summary>
public sealed class EhrClient : IDisposable
{
    public const string Issuer = "https://ehr.example.org";
    public const string EcKid = "ehr-es384-1";
    public const string RsaKid = "ehr-rs384-1";

    private readonly ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly RSA rsa = RSA.Create(2048);

    public EhrClient()
    {
        var ecPublic = ec.ExportParameters(false);
        var rsaPublic = rsa.ExportParameters(false);
        var file = new JsonObject
        {
            ["clients"] = new JsonArray(new JsonObject
            {
                ["iss"] = Issuer,
                ["keys"] = new JsonArray(
                    new JsonObject
                    {
                        ["kty"] = "EC", ["crv"] = "P-384", ["kid"] = EcKid, ["use"] = "sig", ["alg"] = "ES384",
                        ["x"] = B64(ecPublic.Q.X!), ["y"] = B64(ecPublic.Q.Y!),
                    },
                    new JsonObject
                    {
                        ["kty"] = "RSA", ["kid"] = RsaKid, ["use"] = "sig", ["alg"] = "RS384",
                        ["n"] = B64(rsaPublic.Modulus!), ["e"] = B64(rsaPublic.Exponent!),
                    }),
            }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(TrustedClientsPath)!);
        File.WriteAllText(TrustedClientsPath, file.ToJsonString());
    }

    /// <summary>The trusted-clients file this EHR's public keys are in.</summary>
    public string TrustedClientsPath { get; } = Path.Combine(Path.GetTempPath(), "consent-web-tests", $"trusted-clients-{Guid.NewGuid():N}.json");

    /// <summary>The claims of a good token for <paramref name="audience"/>: iss, sub, aud, iat, exp (in five minutes) and a new jti.</summary>
    public static JsonObject Claims(string audience, DateTimeOffset? now = null)
    {
        var at = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = "ehr-client-id", ["aud"] = audience, ["iat"] = at, ["exp"] = at + 300, ["jti"] = Guid.NewGuid().ToString(),
        };
    }

    /// <summary>A JWT signed with the EHR's ES384 key (or, with <paramref name="signer"/>, another ECDSA key) under <paramref name="kid"/>.</summary>
    public string Es384(JsonObject claims, string kid = EcKid, ECDsa? signer = null) =>
        Sign(new JsonObject { ["alg"] = "ES384", ["typ"] = "JWT", ["kid"] = kid }, claims,
            data => (signer ?? ec).SignData(data, HashAlgorithmName.SHA384));

    /// <summary>A JWT signed with the EHR's ES384 key whose header also carries <paramref name="extra"/> (such as <c>crit</c>).</summary>
    public string Es384WithHeader(JsonObject claims, JsonObject extra)
    {
        var header = new JsonObject { ["alg"] = "ES384", ["typ"] = "JWT", ["kid"] = EcKid };
        foreach (var (name, value) in extra)
        {
            header[name] = value?.DeepClone();
        }

        return Sign(header, claims, data => ec.SignData(data, HashAlgorithmName.SHA384));
    }

    /// <summary>A JWT signed with the EHR's RS384 key.</summary>
    public string Rs384(JsonObject claims, string kid = RsaKid) =>
        Sign(new JsonObject { ["alg"] = "RS384", ["typ"] = "JWT", ["kid"] = kid }, claims,
            data => rsa.SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));

    /// <summary>
    /// A JWT whose header names <paramref name="alg"/> and <paramref name="kid"/>, signed by <paramref name="sign"/> whatever
    /// the algorithm says (so a test can sign ES512 with a P-384 key); <paramref name="signer"/> defaults to the EHR's EC key.
    /// </summary>
    public string SignedAs(JsonObject claims, string alg, HashAlgorithmName hash, string kid = EcKid, ECDsa? signer = null) =>
        Sign(new JsonObject { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = kid }, claims, data => (signer ?? ec).SignData(data, hash));

    /// <summary>A JWT signed with the EHR's RSA key under <paramref name="alg"/>, with <paramref name="padding"/> (PKCS #1 v1.5 or PSS).</summary>
    public string RsaSignedAs(JsonObject claims, string alg, HashAlgorithmName hash, RSASignaturePadding padding) =>
        Sign(new JsonObject { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = RsaKid }, claims, data => rsa.SignData(data, hash, padding));

    /// <summary>An EC public key as a JWK (RFC 7518 §6.2.1) for a trusted-clients file; <paramref name="alg"/> null leaves <c>alg</c> out.</summary>
    public static JsonObject EcJwk(ECDsa key, string kid, string? alg)
    {
        var publicKey = key.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC", ["crv"] = $"P-{key.KeySize}", ["kid"] = kid, ["use"] = "sig", ["x"] = B64(publicKey.Q.X!), ["y"] = B64(publicKey.Q.Y!),
        };
        if (alg is not null)
        {
            jwk["alg"] = alg;
        }

        return jwk;
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public void Dispose()
    {
        ec.Dispose();
        rsa.Dispose();
        File.Delete(TrustedClientsPath);
    }

    private static string Sign(JsonObject header, JsonObject claims, Func<byte[], byte[]> sign)
    {
        var input = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
