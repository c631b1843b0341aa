using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Settings;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Consent.Web.Identity;

/// <summary>One trusted client (an EHR): its <c>iss</c> and the public keys it signs with, by <c>kid</c>.</summary>
public sealed record TrustedClient(string Issuer, IReadOnlyDictionary<string, JsonWebKey> Keys);

/// <summary>
/// The admin-managed trusted-clients file (<c>CdsHooks:TrustedClientsPath</c>), read when it changes:
/// <c>{"clients": [{"iss": "https://ehr.example.org", "keys": [ {JWK}, … ]}]}</c>.
/// </summary>
/// <remarks>
/// CDS Hooks 2.0, "Trusting CDS Clients": the client's public key is a JWK in a JWK Set (RFC 7517), which the
/// client and the service exchange out of band when the token carries no <c>jku</c>; services SHOULD allow-list
/// <c>iss</c>, <c>jku</c> and <c>sub</c>. This file is that out-of-band exchange: a <c>jku</c> header is never
/// followed (a token cannot name its own trust). Only public RSA and EC keys are read; a private or symmetric key
/// in the file is skipped and logged, so a pasted private key never becomes a trust anchor.
/// </remarks>
public sealed class TrustedClients(IOptions<CdsHooksOptions> options, ILogger<TrustedClients> logger)
{
    private readonly Lock gate = new();
    private (string Path, DateTime WrittenAt, long Length, IReadOnlyDictionary<string, TrustedClient> Clients)? loaded;

    /// <summary>The client with this <c>iss</c>, or null.</summary>
    public TrustedClient? Find(string issuer) => Current().GetValueOrDefault(issuer);

    /// <summary>Reads a trusted-clients file; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static IReadOnlyDictionary<string, TrustedClient> Parse(string json, ILogger? logger = null)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The trusted-clients file is not JSON: {e.Message}", e);
        }

        if (root?["clients"] is not JsonArray clients)
        {
            throw new InvalidDataException("The trusted-clients file has no \"clients\" array.");
        }

        var result = new Dictionary<string, TrustedClient>(StringComparer.Ordinal);
        foreach (var client in clients)
        {
            var issuer = client?["iss"] is JsonValue iss && iss.TryGetValue<string>(out var text) && text.Length > 0 ? text
                : throw new InvalidDataException("A client in the trusted-clients file has no \"iss\".");
            if (client["keys"] is not JsonArray keys)
            {
                throw new InvalidDataException($"Client {issuer} in the trusted-clients file has no \"keys\" array (a JWK Set's keys).");
            }

            var byKid = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
            foreach (var node in keys)
            {
                JsonWebKey key;
                try
                {
                    key = new JsonWebKey(node?.ToJsonString() ?? "null");
                }
                catch (ArgumentException e)
                {
                    throw new InvalidDataException($"A key of client {issuer} is not a JWK: {e.Message}", e);
                }

                if (key.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve) || key.HasPrivateKey
                    || string.IsNullOrEmpty(key.Kid))
                {
                    logger?.LogWarning("Trusted-clients file: a key of client {Issuer} was skipped: only public RSA or EC keys with a kid are trusted.", issuer);
                    continue;
                }

                byKid[key.Kid] = key;
            }

            result[issuer] = new TrustedClient(issuer, byKid);
        }

        return result;
    }

    private IReadOnlyDictionary<string, TrustedClient> Current()
    {
        var path = options.Value.TrustedClientsPath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return new Dictionary<string, TrustedClient>();
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            logger.LogError("The trusted-clients file {Path} does not exist: every CDS Hooks call and FHIR search is refused.", path);
            return new Dictionary<string, TrustedClient>();
        }

        lock (gate)
        {
            if (loaded is { } known && known.Path == path && known.WrittenAt == file.LastWriteTimeUtc && known.Length == file.Length)
            {
                return known.Clients;
            }

            try
            {
                var clients = Parse(File.ReadAllText(path), logger);
                loaded = (path, file.LastWriteTimeUtc, file.Length, clients);
                return clients;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // A half-saved or broken edit: keep trusting what was trusted, and say so.
                logger.LogError("The trusted-clients file {Path} cannot be read ({Problem}); the clients read before stay trusted.", path, e.Message);
                return loaded?.Clients ?? new Dictionary<string, TrustedClient>();
            }
        }
    }
}
