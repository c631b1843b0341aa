using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;

namespace Consent.Web.Checkpoints;

/// <summary>What the anchor file of a checkpoint says about it.</summary>
public static class AnchorFileStatus
{
    /// <summary>No <c>Anchors:Directory</c> is configured.</summary>
    public const string NotConfigured = "not-configured";

    /// <summary>
    /// The folder has no file for the checkpoint: a problem from the first checkpoint the folder has a file for on (files are
    /// never removed; <see cref="CheckpointVerifier.VerifyAllAsync"/>), not before (made before the folder was configured).
    /// </summary>
    public const string Absent = "absent";

    /// <summary>The file holds the same checkpoint and its signature verifies.</summary>
    public const string Matches = "matches";

    /// <summary>The file names another root, or its signature does not verify: a problem.</summary>
    public const string Disagrees = "disagrees";
}

/// <summary>
/// The signed anchor files (<c>Anchors:Directory</c>): <c>checkpoint-000123.json</c>, what the checkpoint is, and
/// <c>checkpoint-000123.json.p7s</c>, a detached CMS signature (SHA-256) over the JSON file's bytes with the service's
/// record-signing certificate. Written once, atomically (temporary file, then a rename that never replaces a file).
/// </summary>
public static class AnchorFiles
{
    public const string Format = "consent-chain-checkpoint/1";

    public static string FileName(long id) => string.Create(CultureInfo.InvariantCulture, $"checkpoint-{id:D6}.json");

    /// <summary>The JSON file's bytes: UTF-8, indented, members in a fixed order, one line end at the end.</summary>
    public static byte[] Json(ChainCheckpoint checkpoint)
    {
        var document = new JsonObject
        {
            ["format"] = Format,
            ["id"] = checkpoint.Id,
            ["createdAt"] = Utc(checkpoint.CreatedAt),
            ["root"] = checkpoint.Root,
            ["previousRoot"] = checkpoint.PreviousRoot,
            ["treeRoot"] = checkpoint.TreeRoot,
            ["leafCount"] = checkpoint.LeafCount,
            ["systemTrail"] = new JsonObject { ["seq"] = checkpoint.SystemSeq, ["hash"] = checkpoint.SystemHash },
            ["timestamp"] = new JsonObject
            {
                ["authority"] = checkpoint.TimestampAuthority,
                ["time"] = Utc(checkpoint.TimestampedAt),
                ["token"] = Convert.ToBase64String(checkpoint.TimestampToken),
            },
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>A detached CMS SignedData over <paramref name="content"/>, SHA-256, the signer's certificate included (DER).</summary>
    public static byte[] Sign(byte[] content, X509Certificate2 signer)
    {
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        });
        return cms.Encode();
    }

    /// <summary>
    /// Writes the checkpoint's two files into <paramref name="directory"/> (made when missing): the signature first,
    /// then the JSON, each through a temporary file renamed into place. Never replaces a file.
    /// </summary>
    /// <exception cref="IOException">A file of that name is already there, or the folder cannot be written.</exception>
    public static string Write(string directory, ChainCheckpoint checkpoint, X509Certificate2 signer)
    {
        Directory.CreateDirectory(directory);
        var json = Json(checkpoint);
        var path = Path.Combine(directory, FileName(checkpoint.Id));
        if (File.Exists(path) || File.Exists(path + ".p7s"))
        {
            throw new IOException($"{path} (or its .p7s) is already there; anchor files are never replaced.");
        }

        WriteOnce(path + ".p7s", Sign(json, signer));
        WriteOnce(path, json);
        return path;
    }

    private static void WriteOnce(string path, byte[] bytes)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The anchor file's word on a checkpoint: <see cref="AnchorFileStatus"/>, and the problem when it disagrees (another
    /// id or root, a missing or bad signature, a signer that is not one of <paramref name="trusted"/>).
    /// </summary>
    public static (string Status, string? Problem) Check(string? directory, ChainCheckpoint checkpoint, IReadOnlyList<X509Certificate2> trusted)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return (AnchorFileStatus.NotConfigured, null);
        }

        var path = Path.Combine(directory, FileName(checkpoint.Id));
        if (!File.Exists(path))
        {
            return (AnchorFileStatus.Absent, null);
        }

        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (AnchorFileStatus.Disagrees, $"its anchor file {FileName(checkpoint.Id)} cannot be read ({e.Message.TrimEnd('.')})");
        }

        if (SignatureProblem(path + ".p7s", json, trusted) is { } bad)
        {
            return (AnchorFileStatus.Disagrees, $"its anchor file {FileName(checkpoint.Id)}: {bad}");
        }

        try
        {
            var document = JsonNode.Parse(json) as JsonObject;
            var id = document?["id"]?.GetValue<long>();
            var root = document?["root"]?.GetValue<string>();
            var previous = document?["previousRoot"]?.GetValue<string>();
            if (id != checkpoint.Id || root != checkpoint.Root || previous != checkpoint.PreviousRoot)
            {
                return (AnchorFileStatus.Disagrees,
                    $"its anchor file {FileName(checkpoint.Id)} holds root {root} (previous {previous}), the database {checkpoint.Root} (previous {checkpoint.PreviousRoot})");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return (AnchorFileStatus.Disagrees, $"its anchor file {FileName(checkpoint.Id)} is not a checkpoint file ({e.Message.TrimEnd('.')})");
        }

        return (AnchorFileStatus.Matches, null);
    }

    /// <summary>The ids of the anchor files in the folder (to find checkpoints the database no longer has).</summary>
    public static IReadOnlyList<long> Ids(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory) || !Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(directory, "checkpoint-*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f)["checkpoint-".Length..])
            .Select(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Order()];
    }

    private static string? SignatureProblem(string p7s, byte[] content, IReadOnlyList<X509Certificate2> trusted)
    {
        if (!File.Exists(p7s))
        {
            return "its signature (.p7s) is missing";
        }

        try
        {
            var cms = new SignedCms(new ContentInfo(content), detached: true);
            cms.Decode(File.ReadAllBytes(p7s));
            if (cms.SignerInfos.Count != 1)
            {
                return "its signature does not have exactly one signer";
            }

            var signer = cms.SignerInfos[0];
            signer.CheckSignature(verifySignatureOnly: true);
            var thumbprint = signer.Certificate?.GetCertHashString(HashAlgorithmName.SHA256);
            if (thumbprint is null || !trusted.Any(t => t.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint))
            {
                return "its signature is not by this service's signing certificate";
            }

            return null;
        }
        catch (CryptographicException e)
        {
            return $"its signature does not verify ({e.Message.TrimEnd('.')})";
        }
        catch (IOException e)
        {
            return $"its signature cannot be read ({e.Message.TrimEnd('.')})";
        }
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
