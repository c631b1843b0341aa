namespace Consent.Records.Layout;

/// <summary>
/// The smallest vertical piece the paginator moves as a whole: a line of text, a table row, an
/// image or a signature block. Its draw operations are relative to its own top-left corner.
/// </summary>
sealed record LayoutUnit(double Height, IReadOnlyList<DrawOp> Ops)
{
    /// <summary>Must end on the same page as the unit after it (headings, a paragraph's first line).</summary>
    public bool KeepWithNext { get; init; }

    /// <summary>Vertical space only: dropped at the top of a page.</summary>
    public bool IsSpace { get; init; }

    /// <summary>Starts a new page unless the current page is still empty.</summary>
    public bool PageBreakBefore { get; init; }

    /// <summary>For table rows: the header rows to repeat when this row starts a page.</summary>
    public IReadOnlyList<LayoutUnit>? RepeatHeader { get; init; }

    /// <summary>What the unit is, for tests and debugging (e.g. "table-header").</summary>
    public string? Tag { get; init; }

    public static LayoutUnit Space(double height) => new(height, []) { IsSpace = true };
}
