using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Sessions;

namespace Consent.Web.Checkpoints;

/// <summary>One leaf of a checkpoint's tree: a session's head, or (with no session) the system audit trail's head.</summary>
public readonly record struct CheckpointLeaf(Guid? SessionId, long Seq, string Hash)
{
    /// <summary>
    /// The canonical leaf bytes (ASCII): <c>session {uuid, lower case, with dashes} {seq, decimal} {hash, 64 lower-case hex}</c>
    /// for a session, <c>system {seq} {hash}</c> for the system trail, single spaces, no line end.
    /// </summary>
    public byte[] CanonicalBytes() => Encoding.ASCII.GetBytes(SessionId is { } id
        ? string.Create(CultureInfo.InvariantCulture, $"session {id:D} {Seq} {Hash}")
        : string.Create(CultureInfo.InvariantCulture, $"system {Seq} {Hash}"));
}

/// <summary>
/// The hashing of a checkpoint (docs/checkpoints.md): an RFC 6962 (section 2.1) Merkle tree over the leaves in their
/// canonical order, and the root the TSA stamps, which also covers the checkpoint's id, time and the previous root.
/// </summary>
public static class CheckpointTree
{
    /// <summary>The previous root of checkpoint 1.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Version of the body's layout, inside what is hashed.</summary>
    public const int Version = 1;

    /// <summary>
    /// The leaves in canonical order: the sessions' by the text of their id (ordinal, which is PostgreSQL's uuid order),
    /// then the system trail's.
    /// </summary>
    public static List<CheckpointLeaf> Order(IEnumerable<(Guid SessionId, long Seq, string Hash)> sessions, long systemSeq, string systemHash)
    {
        var leaves = sessions.Select(s => new CheckpointLeaf(s.SessionId, s.Seq, s.Hash))
            .OrderBy(l => l.SessionId!.Value.ToString("D"), StringComparer.Ordinal).ToList();
        leaves.Add(new CheckpointLeaf(null, systemSeq, systemHash));
        return leaves;
    }

    /// <summary>SHA-256(0x00 ‖ leaf bytes).</summary>
    public static byte[] LeafHash(CheckpointLeaf leaf)
    {
        var bytes = leaf.CanonicalBytes();
        var input = new byte[bytes.Length + 1];
        bytes.CopyTo(input, 1);
        return SHA256.HashData(input);
    }

    /// <summary>SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * SHA256.HashSizeInBytes];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + SHA256.HashSizeInBytes)..]);
        return SHA256.HashData(input);
    }

    /// <summary>RFC 6962's MTH over the leaves in the order given (the empty tree: SHA-256 of nothing), as lower-case hex.</summary>
    public static string TreeRoot(IReadOnlyList<CheckpointLeaf> leaves)
    {
        if (leaves.Count == 0)
        {
            return Convert.ToHexStringLower(SHA256.HashData([]));
        }

        var hashes = leaves.Select(LeafHash).ToArray();
        return Convert.ToHexStringLower(Mth(hashes, 0, hashes.Length));
    }

    // MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two smaller than n.
    private static byte[] Mth(byte[][] hashes, int start, int count)
    {
        if (count == 1)
        {
            return hashes[start];
        }

        var k = 1;
        while (k << 1 < count)
        {
            k <<= 1;
        }

        return NodeHash(Mth(hashes, start, k), Mth(hashes, start + k, count - k));
    }

    /// <summary>
    /// The canonical body: <c>{"createdAt":"yyyy-MM-ddTHH:mm:ss.ffffffZ","id":n,"leafCount":n,"previousRoot":hex,"treeRoot":hex,"version":1}</c>,
    /// written as the event log's canonical JSON (members sorted, no white space).
    /// </summary>
    public static string Body(long id, DateTimeOffset createdAt, int leafCount, string previousRoot, string treeRoot) => ChainJson.Serialize(new JsonObject
    {
        ["createdAt"] = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["id"] = id,
        ["leafCount"] = leafCount,
        ["previousRoot"] = previousRoot,
        ["treeRoot"] = treeRoot,
        ["version"] = Version,
    });

    /// <summary>The root: SHA-256 of the UTF-8 body, lower-case hex; the TSA's message imprint is these 32 bytes.</summary>
    public static string Root(long id, DateTimeOffset createdAt, int leafCount, string previousRoot, string treeRoot) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body(id, createdAt, leafCount, previousRoot, treeRoot))));
}
