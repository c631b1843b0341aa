namespace Consent.Records.Layout;

/// <summary>A page's content: draw operations in page coordinates (points, y down).</summary>
sealed record LaidOutPage(IReadOnlyList<DrawOp> Ops, IReadOnlyList<string?> Tags);

/// <summary>
/// Places units on pages of a fixed body area: keeps chains of keep-with-next units together,
/// drops space at the top of a page, and repeats a table's header rows when a row starts a page.
/// </summary>
static class Paginator
{
    public static List<LaidOutPage> Paginate(IReadOnlyList<LayoutUnit> units, double left, double top, double bodyHeight)
    {
        var pages = new List<LaidOutPage>();
        var ops = new List<DrawOp>();
        var tags = new List<string?>();
        double y = 0;
        var empty = true;

        void NewPage()
        {
            pages.Add(new LaidOutPage(ops, tags));
            ops = [];
            tags = [];
            y = 0;
            empty = true;
        }

        void Place(LayoutUnit unit, bool repeated = false)
        {
            // A header row repeated on a later page is a pagination artifact: the table's structure has it once.
            ops.AddRange(unit.Ops.Select(o => repeated ? o.Offset(left, top + y) with { Node = null } : o.Offset(left, top + y)));
            tags.Add(unit.Tag);
            y += unit.Height;
            empty = false;
        }

        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            if (unit.PageBreakBefore)
            {
                if (!empty)
                {
                    NewPage();
                }

                continue;
            }

            if (unit.IsSpace)
            {
                if (!empty)
                {
                    if (y + unit.Height > bodyHeight)
                    {
                        NewPage();
                    }
                    else
                    {
                        y += unit.Height;
                    }
                }

                continue;
            }

            var needed = Math.Min(ChainHeight(units, i), bodyHeight);
            if (!empty && y + needed > bodyHeight)
            {
                NewPage();
            }

            if (empty && unit.RepeatHeader is { Count: > 0 } header && !ReferenceEquals(header[0], unit) && !IsHeader(units, i))
            {
                foreach (var row in header)
                {
                    Place(row, repeated: true);
                }
            }

            Place(unit);
        }

        if (!empty || pages.Count == 0)
        {
            pages.Add(new LaidOutPage(ops, tags));
        }

        return pages;
    }

    static bool IsHeader(IReadOnlyList<LayoutUnit> units, int i) => units[i].Tag == "table-header";

    /// <summary>Height of this unit plus every following unit it is kept with (space between included).</summary>
    static double ChainHeight(IReadOnlyList<LayoutUnit> units, int i)
    {
        var height = units[i].Height;
        var j = i;
        var keep = units[i].KeepWithNext;
        while (keep && j + 1 < units.Count && !units[j + 1].PageBreakBefore)
        {
            j++;
            height += units[j].Height;
            if (!units[j].IsSpace)
            {
                keep = units[j].KeepWithNext;
            }
        }

        return height;
    }
}
