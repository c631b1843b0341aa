using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Settings;
using Consent.Web.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Consent.Web.Identity;

/// <summary>A client whose signed token was accepted for one call.</summary>
public sealed record TrustedCall(string Issuer, string? Subject, string TokenId);

/// <summary>
/// Checks the signed JWT a trusted client (an EHR) sends with each CDS Hooks call and FHIR search, as CDS Hooks 2.0,
/// "Trusting CDS Clients", asks: <c>Authorization: Bearer {JWT}</c>, signed with a key of a client in
/// <see cref="TrustedClients"/>, with <c>iss</c>, <c>aud</c> (the URL of the endpoint called), <c>exp</c>, <c>iat</c>
/// and <c>jti</c>. Each refusal is its own 401 problem and changes nothing; an accepted token's <c>jti</c> is stored
/// until its <c>exp</c>, so the same token is refused the second time, on any node.
/// </summary>
/// <remarks>
/// Lifetimes are checked here with the service's <see cref="TimeProvider"/> (so tests can move the clock), the
/// signature, issuer and audience by Microsoft.IdentityModel.JsonWebTokens. Only asymmetric algorithms are accepted:
/// the spec recommends ES384 and RS384; the other RSA, RSA-PSS and ECDSA ones of RFC 7518 are allowed too, never
/// <c>none</c> or an HMAC (a public key must never become a shared secret), and each only with a key it belongs to
/// (<see cref="KeyAlgorithms"/>). <c>aud</c> must be the endpoint's URL exactly (no trailing slash added), and a token
/// with an <c>nbf</c> is not accepted before it, beyond the clock skew.
/// </remarks>
public sealed class ClientTokens(TrustedClients clients, ConsentDbContext db, IOptions<CdsHooksOptions> options, TimeProvider clock, ILogger<ClientTokens> logger)
{
    /// <summary>The algorithms a client may sign with.</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSha384,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha512, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    private const string InsertUse =
        "INSERT INTO client_token_uses (issuer, token_id, expires_at, used_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

    private const string DeleteExpired = "DELETE FROM client_token_uses WHERE expires_at < $1";

    private static int calls;

    /// <summary>The token handler: it holds no per-token state, so one serves every call.</summary>
    private static readonly JsonWebTokenHandler handler = new();

    /// <summary>Checks the request's bearer token for a call to <paramref name="audience"/> (the endpoint's own URL).</summary>
    public async Task<Outcome<TrustedCall>> CheckAsync(HttpRequest request, string audience, CancellationToken ct)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Refuse("Missing token",
                "Send the call with Authorization: Bearer and a JWT signed by a trusted client (CDS Hooks 2.0, \"Trusting CDS Clients\").");
        }

        JsonWebToken token;
        try
        {
            token = handler.ReadJsonWebToken(header[7..].Trim());
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return Malformed(e);
        }

        // A JWE (RFC 7516, five parts) is read without being decrypted; this service takes signed tokens only.
        if (token.IsEncrypted)
        {
            return Malformed(null);
        }

        // RFC 7515 §4.1.11: a recipient that does not understand a "crit" extension must reject the JWS; this service
        // understands none.
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            return Refuse("Unsupported critical header", "The token's crit header names extensions this service does not understand (RFC 7515, 4.1.11).");
        }

        var issuer = token.TryGetPayloadValue<string>("iss", out var iss) ? iss : null;
        if (string.IsNullOrEmpty(issuer) || clients.Find(issuer) is not { } client)
        {
            return Refuse("Unknown client", "The token's iss names no client in this service's trusted-clients file.");
        }

        if (string.IsNullOrEmpty(token.Kid) || !client.Keys.TryGetValue(token.Kid, out var key))
        {
            return Refuse("Unknown key", $"The token's kid names no key of client {issuer} in the trusted-clients file.");
        }

        if (KeyAlgorithms(key) is var fits && !fits.Contains(token.Alg, StringComparer.Ordinal))
        {
            return Refuse("Algorithm not accepted", fits.Count == 0
                ? $"Key {token.Kid} of client {issuer} has no algorithm this service accepts."
                : $"Key {token.Kid} of client {issuer} signs with {string.Join(" or ", fits)} only: the algorithm must be the key's "
                    + "(its JWK alg; RFC 7518, 3.4: ES256 with P-256, ES384 with P-384, ES512 with P-521; RS and PS with RSA keys).");
        }

        var validation = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IgnoreTrailingSlashWhenValidatingAudience = false, // aud is the endpoint's URL exactly, not with a slash added
            IssuerSigningKey = key,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
            ValidateLifetime = false, // below, with the service's clock
            RequireExpirationTime = false,
        });
        if (!validation.IsValid)
        {
            return validation.Exception switch
            {
                SecurityTokenInvalidAudienceException => Refuse("Wrong audience",
                    $"The token's aud must be the URL of the endpoint called: {audience}."),
                SecurityTokenInvalidAlgorithmException => Refuse("Algorithm not accepted",
                    "Sign with an asymmetric algorithm; CDS Hooks recommends ES384 or RS384."),
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => Refuse("Bad signature",
                    $"The token's signature does not verify with key {token.Kid} of client {issuer}."),
                _ => Refuse("Invalid token", "The token was not accepted; check its header and claims against CDS Hooks 2.0."),
            };
        }

        var now = clock.GetUtcNow();
        var settings = options.Value;
        var skew = TimeSpan.FromSeconds(settings.ClockSkewSeconds);
        if (!token.TryGetPayloadValue<long>("exp", out var exp) || !token.TryGetPayloadValue<long>("iat", out var iat))
        {
            return Refuse("Invalid token", "The token must carry exp and iat (seconds since the epoch).");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(exp, 0, 253_402_300_799));
        if (expiresAt + skew <= now)
        {
            return Refuse("Token expired", $"The token expired at {expiresAt:O}; sign a new one for each call.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, 0, 253_402_300_799)) - skew > now
            || expiresAt - now > TimeSpan.FromSeconds(settings.MaxTokenLifetimeSeconds) + skew)
        {
            return Refuse("Token lifetime not accepted",
                $"The token must be issued now (iat not in the future) and expire within {settings.MaxTokenLifetimeSeconds} seconds.");
        }

        // RFC 7519 §4.1.5: not accepted before nbf (optional; the same skew as exp and iat).
        if (token.TryGetPayloadValue<object>("nbf", out _))
        {
            if (!token.TryGetPayloadValue<long>("nbf", out var nbf))
            {
                return Refuse("Invalid token", "The token's nbf must be seconds since the epoch.");
            }

            var notBefore = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(nbf, 0, 253_402_300_799));
            if (notBefore - skew > now)
            {
                return Refuse("Token not yet valid", $"The token is not valid before {notBefore:O} (nbf); sign it for now.");
            }
        }

        var jti = token.Id;
        if (string.IsNullOrEmpty(jti) || jti.Length > ClientTokenUse.MaxLength || issuer.Length > ClientTokenUse.MaxLength)
        {
            return Refuse("Invalid token", $"The token must carry a jti (a nonce) of at most {ClientTokenUse.MaxLength} characters.");
        }

        if (!await RecordUseAsync(issuer, jti, expiresAt + skew, now, ct))
        {
            logger.LogWarning("A client token was replayed: issuer {Issuer}, jti {TokenId}.", issuer, jti);
            return Refuse("Token already used", "This token's jti was used before; sign a new token with a new jti for each call.");
        }

        return new TrustedCall(issuer, token.TryGetPayloadValue<string>("sub", out var sub) ? sub : null, jti);
    }

    private static Refusal Refuse(string title, string detail) => new(RefusedAs.SignedOut, title, detail);

    /// <summary>
    /// The algorithms of <see cref="Algorithms"/> a key may sign with: an EC key's curve decides (RFC 7518 §3.4: ES256 with
    /// P-256, ES384 with P-384, ES512 with P-521), an RSA key takes the RS and PS ones, and a JWK that names its
    /// <c>alg</c> (RFC 7517 §4.4) takes that one only. Otherwise a key could verify a signature made under an algorithm
    /// it was never meant for (ECDSA verifies a SHA-512 hash with a P-384 key, truncated).
    /// </summary>
    private static List<string> KeyAlgorithms(JsonWebKey key)
    {
        var byType = key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.EllipticCurve => key.Crv switch
            {
                JsonWebKeyECTypes.P256 => [SecurityAlgorithms.EcdsaSha256],
                JsonWebKeyECTypes.P384 => [SecurityAlgorithms.EcdsaSha384],
                JsonWebKeyECTypes.P521 => [SecurityAlgorithms.EcdsaSha512],
                _ => new List<string>(),
            },
            JsonWebAlgorithmsKeyTypes.RSA => Algorithms.Where(a => a.StartsWith("RS", StringComparison.Ordinal) || a.StartsWith("PS", StringComparison.Ordinal)).ToList(),
            _ => [],
        };
        return string.IsNullOrEmpty(key.Alg) ? byType : [.. byType.Where(a => a == key.Alg)];
    }

    /// <summary>
    /// What reading a token that is not a JWS throws: IdentityModel's own exceptions (SecurityTokenMalformedException and
    /// the other argument exceptions), and those of the base64url and JSON decoders under it.
    /// </summary>
    private static bool IsMalformed(Exception e) =>
        e is ArgumentException or FormatException or SecurityTokenException or System.Text.Json.JsonException or InvalidOperationException
            or OverflowException or System.Text.DecoderFallbackException;

    /// <summary>The refusal of a token that is not a JWS; logged as a refusal (a line, no stack trace), not as a service error.</summary>
    private Refusal Malformed(Exception? e)
    {
        logger.LogInformation("A client token was refused as malformed: {Problem}.", e?.GetType().Name ?? "an encrypted JWT (JWE)");
        return Refuse("Malformed token", "The bearer token is not a signed JWT (JWS compact serialization).");
    }

    /// <summary>Stores the use; false when this issuer's jti was stored already (by this node or another). One round trip.</summary>
    private async Task<bool> RecordUseAsync(string issuer, string jti, DateTimeOffset keepUntil, DateTimeOffset now, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
        // Every so often this node also removes the uses whose tokens have expired (they can no longer be replayed),
        // in the same round trip as the insert.
        if (Interlocked.Increment(ref calls) % 200 == 1)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DeleteExpired) { Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = now } } });
        }

        var insert = new NpgsqlBatchCommand(InsertUse)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = issuer },
                new NpgsqlParameter<string> { TypedValue = jti },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = keepUntil },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = now },
            },
        };
        batch.BatchCommands.Add(insert);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
            return insert.RecordsAffected == 1;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
