namespace Consent.Records.Layout;

/// <summary>A piece of document content, before it is broken into lines and pages.</summary>
abstract record Block
{
    public double SpaceBefore { get; init; }

    public double SpaceAfter { get; init; }

    /// <summary>Keep the end of this block on the same page as the start of the next one.</summary>
    public bool KeepWithNext { get; init; }

    /// <summary>The structure type to tag the block with instead of its own (a paragraph set as the document title: "H1").</summary>
    public string? Role { get; init; }

    /// <summary>The block's language (BCP 47) when it is not the record's: the clinic's wording of a bilingual record.</summary>
    public string? Lang { get; init; }
}

/// <summary>Styled runs broken into lines; optionally on a tinted background.</summary>
sealed record ParagraphBlock(IReadOnlyList<Run> Runs) : Block
{
    public double Indent { get; init; }

    public Rgb? Background { get; init; }

    public double Padding { get; init; }

    /// <summary>A thin bar in this colour on the left edge of the background.</summary>
    public Rgb? AccentBar { get; init; }

    /// <summary>Never split across pages (a short caption whose lines say one thing in two languages).</summary>
    public bool KeepTogether { get; init; }
}

/// <summary>A heading (level 1 = section, 2 = subsection, 3 = minor), always kept with what follows.</summary>
sealed record HeadingBlock(string Text, int Level) : Block;

/// <summary>A bulleted or numbered list; each item is a list of blocks (paragraphs, nested lists).</summary>
sealed record ListBlock(IReadOnlyList<IReadOnlyList<Block>> Items, bool Numbered, int Start = 1) : Block;

/// <summary>A table cell: runs of text.</summary>
sealed record TableCell(IReadOnlyList<Run> Runs);

/// <summary>A table with relative column widths and an optional header row that repeats on every page it spans.</summary>
sealed record TableBlock(IReadOnlyList<double> ColumnWeights, IReadOnlyList<TableCell>? Header, IReadOnlyList<IReadOnlyList<TableCell>> Rows) : Block
{
    public bool Zebra { get; init; } = true;

    public bool Borders { get; init; } = true;

    public double CellPadding { get; init; } = 4;

    /// <summary>Never split between rows (for short tables such as one question and its answer).</summary>
    public bool KeepTogether { get; init; }

    /// <summary>The first cell of each row labels the row (a key-value table): tagged as a header cell.</summary>
    public bool RowHeaders { get; init; }
}

/// <summary>An image scaled to a width (height follows the aspect ratio given).</summary>
sealed record ImageBlock(byte[] Data, double Width, double Height, string Alt) : Block;

/// <summary>A drawn signature scaled into a box, with the signer's details beside it.</summary>
sealed record SignatureBlock(
    IReadOnlyList<IReadOnlyList<(double X, double Y)>> Strokes,
    string EmptyBoxText,
    IReadOnlyList<Run> Caption,
    IReadOnlyList<(string Label, string Value)> Details) : Block
{
    /// <summary>What the drawn signature is, for a screen reader ("Handwritten signature of ..., drawn on screen").</summary>
    public required string Alt { get; init; }
}

/// <summary>A QR code (its module matrix, quiet zone included, <c>true</c> = dark) in a panel, with a caption beside it.</summary>
sealed record QrBlock(IReadOnlyList<IReadOnlyList<bool>> Modules, IReadOnlyList<Run> Caption, string Alt) : Block;

/// <summary>A horizontal rule across the text width.</summary>
sealed record RuleBlock(Rgb Color, double Thickness = 0.6) : Block;

/// <summary>Forces the next content onto a new page.</summary>
sealed record PageBreakBlock : Block;
