using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Signing;

/// <summary>One development PKI and TSA (scripts/dev-tsa.sh) for the tests of <see cref="DevTsaTests"/> that change nothing in it.</summary>
public sealed class DevTsaFixture : IDisposable
{
    internal DevTsa Tsa { get; } = new();

    public void Dispose() => Tsa.Dispose();
}

/// <summary>
/// The development PKI and time-stamping authority the service is developed and tested against
/// (scripts/dev-tsa.sh, docs/development-pki.md), checked with tools we did not write: .NET's RFC 3161
/// client, openssl ts, openssl verify and openssl crl, and .NET's PKCS#12 loader and chain builder.
/// </summary>
public sealed class DevTsaTests(DevTsaFixture fixture) : IClassFixture<DevTsaFixture>
{
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47"; // RFC 5816
    private const string SigningCertificateV1Oid = "1.2.840.113549.1.9.16.2.12"; // RFC 2634

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private DevTsa Tsa => fixture.Tsa;

    [Fact]
    public async Task A_token_from_dotnets_rfc3161_client_verifies_with_openssl_ts_and_only_for_its_digest()
    {
        var digest = SHA256.HashData("consent record bytes"u8);
        var (request, reply) = await TimestampAsync(Tsa, digest);

        var token = request.ProcessResponse(reply, out var consumed);
        Assert.Equal(reply.Length, consumed);
        Assert.True(token.VerifySignatureForHash(digest, HashAlgorithmName.SHA256, out var signer, extraCandidates: null));
        Assert.Equal(File.ReadAllText(Tsa.TsaCertPath).Trim(), signer!.ExportCertificatePem().Trim());
        Assert.Equal("2.25.181809674639885679430766233195787187777", token.TokenInfo.PolicyId.Value);
        Assert.Equal(1_000_000L, token.TokenInfo.AccuracyInMicroseconds);
        Assert.False(token.TokenInfo.IsOrdering);
        Assert.InRange(token.TokenInfo.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        var replyFile = ExternalTool.TempFile(reply, ".tsr");
        var queryFile = ExternalTool.TempFile(request.Encode(), ".tsq");
        var verified = ExternalTool.Run("openssl", "ts", "-verify", "-digest", Convert.ToHexString(digest), "-sha256",
            "-in", replyFile, "-CAfile", Tsa.CaPemPath, "-untrusted", Tsa.TsaCertPath);
        Assert.True(verified.ExitCode == 0 && verified.Output.Contains("Verification: OK", StringComparison.Ordinal), verified.All);
        // Against the query itself too: openssl then checks the nonce and the imprint's algorithm.
        var againstQuery = ExternalTool.Run("openssl", "ts", "-verify", "-queryfile", queryFile,
            "-in", replyFile, "-CAfile", Tsa.CaPemPath, "-untrusted", Tsa.TsaCertPath);
        Assert.True(againstQuery.ExitCode == 0, againstQuery.All);

        var otherDigest = SHA256.HashData("another record"u8);
        var wrong = ExternalTool.Run("openssl", "ts", "-verify", "-digest", Convert.ToHexString(otherDigest), "-sha256",
            "-in", replyFile, "-CAfile", Tsa.CaPemPath, "-untrusted", Tsa.TsaCertPath);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("message imprint mismatch", wrong.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_names_the_tsa_certificate_with_an_ESSCertIDv2_of_its_sha256()
    {
        var (request, reply) = await TimestampAsync(Tsa, SHA256.HashData("record"u8));
        var token = request.ProcessResponse(reply, out _);

        var text = ExternalTool.Run("openssl", "ts", "-reply", "-in", ExternalTool.TempFile(reply, ".tsr"), "-text");
        Assert.True(text.ExitCode == 0, text.All);
        Assert.Contains("Status: Granted.", text.Output, StringComparison.Ordinal);
        var printed = ExternalTool.Run("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", ExternalTool.TempFile(token.AsSignedCms().Encode(), ".tst"));
        Assert.True(printed.ExitCode == 0, printed.All);
        Assert.Contains("id-smime-aa-signingCertificateV2", printed.Output, StringComparison.Ordinal);

        var attributes = token.AsSignedCms().SignerInfos[0].SignedAttributes;
        Assert.DoesNotContain(attributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == SigningCertificateV1Oid);
        var attribute = Assert.Single(attributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == SigningCertificateV2Oid);
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, ... };
        // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }
        var reader = new AsnReader(attribute.Values[0].RawData, AsnEncodingRules.DER).ReadSequence();
        var essCertId = reader.ReadSequence().ReadSequence();
        if (essCertId.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            Assert.Equal("2.16.840.1.101.3.4.2.1", essCertId.ReadSequence().ReadObjectIdentifier());
        }

        using var tsaCertificate = X509CertificateLoader.LoadCertificateFromFile(Tsa.TsaCertPath);
        Assert.Equal(SHA256.HashData(tsaCertificate.RawData), essCertId.ReadOctetString());
    }

    [Fact]
    public async Task Each_token_has_its_own_serial_number_and_an_imprint_of_sha512_is_accepted()
    {
        var (firstRequest, firstReply) = await TimestampAsync(Tsa, SHA256.HashData("one"u8));
        var (secondRequest, secondReply) = await TimestampAsync(Tsa, SHA512.HashData("two"u8), HashAlgorithmName.SHA512);

        var first = firstRequest.ProcessResponse(firstReply, out _);
        var second = secondRequest.ProcessResponse(secondReply, out _);
        Assert.NotEqual(first.TokenInfo.GetSerialNumber().ToArray(), second.TokenInfo.GetSerialNumber().ToArray());
        Assert.Equal("2.16.840.1.101.3.4.2.3", second.TokenInfo.HashAlgorithmId.Value); // SHA-512
    }

    [Fact]
    public async Task A_malformed_query_gets_400_and_another_content_type_415()
    {
        using var malformed = new ByteArrayContent("not a query"u8.ToArray());
        malformed.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var malformedResponse = await Http.PostAsync(new Uri(Tsa.Url), malformed);
        Assert.Equal(HttpStatusCode.BadRequest, malformedResponse.StatusCode);

        using var wrongType = new ByteArrayContent(Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("x"u8), HashAlgorithmName.SHA256).Encode());
        wrongType.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var wrongTypeResponse = await Http.PostAsync(new Uri(Tsa.Url), wrongType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongTypeResponse.StatusCode);
    }

    [Fact]
    public void Both_certificates_verify_against_the_ca_and_its_crl_with_openssl_and_not_against_another_ca()
    {
        foreach (var certificate in new[] { Tsa.SigningCertPath, Tsa.TsaCertPath })
        {
            var verified = ExternalTool.Run("openssl", "verify", "-crl_check", "-CAfile", Tsa.CaPemPath, "-CRLfile", Tsa.CrlPemPath, certificate);
            Assert.True(verified.ExitCode == 0, verified.All);
            Assert.Contains(": OK", verified.Output, StringComparison.Ordinal);
        }

        var purpose = ExternalTool.Run("openssl", "verify", "-purpose", "timestampsign", "-CAfile", Tsa.CaPemPath, Tsa.TsaCertPath);
        Assert.True(purpose.ExitCode == 0, purpose.All);
        var points = ExternalTool.Run("openssl", "x509", "-noout", "-ext", "crlDistributionPoints,authorityInfoAccess", "-in", Tsa.SigningCertPath);
        Assert.Contains("URI:" + Tsa.CrlUrl, points.Output, StringComparison.Ordinal);
        Assert.Contains("CA Issuers - URI:" + Tsa.BaseUrl + "/ca.crt", points.Output, StringComparison.Ordinal);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = new CertificateRequest("CN=Consent Development CA,O=Consent (development only)", otherKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-3), DateTimeOffset.UtcNow.AddYears(20));
        var otherCaPath = ExternalTool.TempFile(System.Text.Encoding.ASCII.GetBytes(otherCa.ExportCertificatePem()), ".pem");
        var untrusted = ExternalTool.Run("openssl", "verify", "-CAfile", otherCaPath, Tsa.SigningCertPath);
        Assert.NotEqual(0, untrusted.ExitCode);
    }

    [Fact]
    public async Task The_crl_and_the_ca_certificate_are_served_in_der_where_the_certificates_say()
    {
        using var crlResponse = await Http.GetAsync(new Uri(Tsa.CrlUrl));
        Assert.Equal(HttpStatusCode.OK, crlResponse.StatusCode);
        Assert.Equal("application/pkix-crl", crlResponse.Content.Headers.ContentType?.MediaType);
        var crl = ExternalTool.Run("openssl", "crl", "-inform", "DER", "-noout", "-issuer", "-nextupdate", "-in",
            ExternalTool.TempFile(await crlResponse.Content.ReadAsByteArrayAsync(), ".crl"));
        Assert.True(crl.ExitCode == 0, crl.All);
        Assert.Contains("CN = Consent Development CA", crl.Output, StringComparison.Ordinal);

        using var caResponse = await Http.GetAsync(new Uri(Tsa.BaseUrl + "/ca.crt"));
        Assert.Equal("application/pkix-cert", caResponse.Content.Headers.ContentType?.MediaType);
        using var served = X509CertificateLoader.LoadCertificate(await caResponse.Content.ReadAsByteArrayAsync());
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Tsa.CaPemPath);
        Assert.Equal(ca.RawData, served.RawData);

        using var health = await Http.GetAsync(new Uri(Tsa.BaseUrl + "/health"));
        Assert.Equal("ok", (await health.Content.ReadAsStringAsync()).Trim());
        using var missing = await Http.GetAsync(new Uri(Tsa.BaseUrl + "/tsa.key"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void The_signing_pkcs12_holds_the_key_the_leaf_and_the_ca_and_the_chain_builds_to_the_dev_ca_only()
    {
        var collection = X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(Tsa.SigningPfxPath), password: null);
        try
        {
            Assert.Equal(2, collection.Count);
            var leaf = Assert.Single(collection, c => c.HasPrivateKey);
            var ca = Assert.Single(collection, c => !c.HasPrivateKey);
            Assert.Equal("CN=Consent clinic records (development), O=Consent (development only)", leaf.Subject);
            Assert.Equal("CN=Consent Development CA, O=Consent (development only)", ca.Subject);
            Assert.True(leaf.NotBefore.ToUniversalTime() < DateTime.UtcNow.AddDays(-700), "valid from two years back, for back-dated demo records");
            Assert.True(leaf.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddYears(4));
            var usage = Assert.Single(leaf.Extensions.OfType<X509KeyUsageExtension>());
            Assert.True(usage.Critical);
            Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, usage.KeyUsages);
            Assert.NotNull(leaf.GetECDsaPrivateKey());

            Assert.True(BuildChain(leaf, ca, out var elements), "the chain builds to the development CA");
            Assert.Equal(2, elements);

            using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var otherCa = new CertificateRequest(ca.SubjectName, otherKey, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-3), DateTimeOffset.UtcNow.AddYears(20));
            Assert.False(BuildChain(leaf, otherCa, out _), "a CA of the same name but another key is not the root");
        }
        finally
        {
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
        }
    }

    [Fact]
    public async Task With_credentials_a_query_without_them_gets_401_and_with_them_a_token()
    {
        using var tsa = new DevTsa("clinic-tsa", "pass:word with spaces");
        var request = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("x"u8), HashAlgorithmName.SHA256, requestSignerCertificates: true);

        using var anonymous = await PostAsync(tsa.Url, request.Encode(), credentials: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        using var wrong = await PostAsync(tsa.Url, request.Encode(), "clinic-tsa:wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var right = await PostAsync(tsa.Url, request.Encode(), "clinic-tsa:pass:word with spaces");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("application/timestamp-reply", right.Content.Headers.ContentType?.MediaType);
        request.ProcessResponse(await right.Content.ReadAsByteArrayAsync(), out _);
        Assert.DoesNotContain("pass:word", await File.ReadAllTextAsync(Path.Combine(tsa.Directory, "tsa.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_certificate_fails_openssls_crl_check_and_the_served_crl_lists_it()
    {
        using var tsa = new DevTsa();
        var before = ExternalTool.Run("openssl", "verify", "-crl_check", "-CAfile", tsa.CaPemPath, "-CRLfile", tsa.CrlPemPath, tsa.SigningCertPath);
        Assert.True(before.ExitCode == 0, before.All);

        tsa.Revoke(tsa.SigningCertPath);

        var after = ExternalTool.Run("openssl", "verify", "-crl_check", "-CAfile", tsa.CaPemPath, "-CRLfile", tsa.CrlPemPath, tsa.SigningCertPath);
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("certificate revoked", after.All, StringComparison.Ordinal);
        var tsaStill = ExternalTool.Run("openssl", "verify", "-crl_check", "-CAfile", tsa.CaPemPath, "-CRLfile", tsa.CrlPemPath, tsa.TsaCertPath);
        Assert.True(tsaStill.ExitCode == 0, tsaStill.All);

        using var signing = X509CertificateLoader.LoadCertificateFromFile(tsa.SigningCertPath);
        var served = ExternalTool.Run("openssl", "crl", "-inform", "DER", "-noout", "-text", "-in",
            ExternalTool.TempFile(await Http.GetByteArrayAsync(new Uri(tsa.CrlUrl)), ".crl"));
        Assert.Contains("Serial Number: " + signing.SerialNumber, served.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Key Compromise", served.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_it_refuses_connections_and_started_again_it_answers_on_the_same_port()
    {
        using var tsa = new DevTsa();
        var url = tsa.Url;
        var request = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("x"u8), HashAlgorithmName.SHA256);

        tsa.Stop();
        tsa.Stop();
        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(url, request.Encode(), credentials: null));

        tsa.Start();
        tsa.Start();
        Assert.Equal(url, tsa.Url);
        using var response = await PostAsync(url, request.Encode(), credentials: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        request.ProcessResponse(await response.Content.ReadAsByteArrayAsync(), out _);
    }

    private static async Task<(Rfc3161TimestampRequest Request, byte[] Reply)> TimestampAsync(
        DevTsa tsa, byte[] digest, HashAlgorithmName? algorithm = null)
    {
        var request = Rfc3161TimestampRequest.CreateFromHash(digest, algorithm ?? HashAlgorithmName.SHA256,
            nonce: RandomNumberGenerator.GetBytes(8), requestSignerCertificates: true);
        using var response = await PostAsync(tsa.Url, request.Encode(), credentials: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/timestamp-reply", response.Content.Headers.ContentType?.MediaType);
        return (request, await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> PostAsync(string url, byte[] query, string? credentials)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(query) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        if (credentials is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        }

        return await Http.SendAsync(message);
    }

    private static bool BuildChain(X509Certificate2 leaf, X509Certificate2 root, out int elements)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var built = chain.Build(leaf);
        elements = chain.ChainElements.Count;
        return built;
    }
}
