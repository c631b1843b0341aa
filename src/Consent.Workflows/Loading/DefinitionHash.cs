using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Consent.Workflows.Loading;

/// <summary>The definition hash of docs/workflow-format.md: canonical JSON, then each used template's path and bytes.</summary>
internal static class DefinitionHash
{
    public static string Compute(JsonNode definition, IReadOnlyDictionary<string, byte[]> templates)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(CanonicalJson.Write(definition)));
        foreach (var (path, bytes) in templates.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
            hash.AppendData(bytes);
            hash.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
