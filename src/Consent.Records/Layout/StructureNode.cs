namespace Consent.Records.Layout;

/// <summary>
/// One element of the tagged PDF's structure tree (ISO 32000-1 14.8.4 standard structure types: "P", "H1", "Table", "TR",
/// "TD", "L", "LI", "Figure", ...), made while blocks are laid out. Draw operations name the innermost element they belong
/// to (<see cref="DrawOp.Node"/>); an operation with none is an artifact (a background, a rule, a border). The painter opens
/// and closes elements in the order it paints, so the structure order is the reading order.
/// </summary>
sealed class StructureNode
{
    public StructureNode(string role, StructureNode? parent = null)
    {
        Role = role;
        Parent = parent;
        Depth = parent is null ? 0 : parent.Depth + 1;
    }

    /// <summary>The standard structure type, without the slash ("P", "H2", "Figure").</summary>
    public string Role { get; }

    /// <summary>The enclosing element; null for one directly under the document.</summary>
    public StructureNode? Parent { get; }

    /// <summary>How many elements enclose this one.</summary>
    public int Depth { get; }

    /// <summary>Alternative text (/Alt): what a figure shows, in the record's language.</summary>
    public string? Alt { get; init; }

    /// <summary>The element's language (/Lang, BCP 47) when it differs from the document's.</summary>
    public string? Lang { get; init; }

    /// <summary>Whether this element is <paramref name="other"/> or encloses it.</summary>
    public bool Encloses(StructureNode other)
    {
        for (var node = other; node is not null && node.Depth >= Depth; node = node.Parent)
        {
            if (ReferenceEquals(node, this))
            {
                return true;
            }
        }

        return false;
    }
}
