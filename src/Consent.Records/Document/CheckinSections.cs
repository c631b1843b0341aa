using System.Globalization;
using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>
/// The body of a dose-day check-in record (<see cref="RecordKind.Checkin"/>), on one page: a compact summary, the consent
/// record it relies on (by SHA-256), the patient's answers and affirmation, the staff checks, the outcome with the
/// clinician's signed decision (printed name, time and meaning together, 21 CFR 11.50(a)), and the head of the event
/// chain. The audit table a consent record ends with is left out so the record stays one page; the chain head names the
/// last event covered, and the full log is in the service's audit trail (21 CFR 11.10(e)).
/// </summary>
static class CheckinSections
{
    static readonly TextStyle Text8 = Theme.TableText with { Size = 7.5 };
    static readonly TextStyle Header8 = Theme.TableHeader with { Size = 7.5 };
    static readonly TextStyle Label8 = Theme.Caption with { Size = 7.5 };

    public static string Status(ConsentRecord record, RecordLabels labels) => record.Checkin?.Outcome.Result switch
    {
        CheckinResult.ClearedAfterDiscussion => labels.StatusClearedAfterDiscussion,
        CheckinResult.NotToday => labels.StatusNotToday,
        _ => labels.StatusCleared,
    };

    public static void Add(ConsentRecord record, RecordLabels labels, string? checkUrl, List<Block> blocks)
    {
        var checkin = record.Checkin ?? throw new ArgumentException("A check-in record needs its check-in details (ConsentRecord.Checkin).", nameof(record));
        Title(record, labels, blocks);
        Summary(record, checkin, labels, blocks);
        CheckLine(checkUrl, labels, blocks);
        ReliesOn(record, checkin, labels, blocks);
        Answers(record, checkin, labels, blocks);
        Disclosures(record, labels, blocks);
        StaffChecks(record, checkin, labels, blocks);
        Outcome(record, checkin, labels, blocks);
        ChainHead(record, labels, blocks);
    }

    static TableCell C(string text, TextStyle? style = null) => new([new Run(text, style ?? Text8)]);

    static TableCell L(string text) => new([new Run(text, Label8)]);

    /// <summary>
    /// The time of day in the clinic's time zone with its offset ("14:03 −05:00") when it falls on the day the check-in started
    /// (the summary gives that day); the full date and time when it does not (a check-in that ran past midnight).
    /// </summary>
    static string ClockTime(DateTimeOffset at, ConsentRecord record)
    {
        var full = Time(at, record);
        var sameDay = TimeZoneInfo.ConvertTime(at, record.TimeZone).Date == TimeZoneInfo.ConvertTime(record.StartedAt, record.TimeZone).Date;
        var space = full.IndexOf(' ', StringComparison.Ordinal);
        return sameDay && space > 0 ? full[(space + 1)..] : full;
    }

    static TableCell H(string text) => new([new Run(text, Header8)]);

    static HeadingBlock Heading(string text) => new(text, 3) { SpaceBefore = 1 };

    /// <summary>The clinic on one line, then the title and the check-in's kind: a third of a consent record's title block.</summary>
    static void Title(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        var clinic = record.Clinic;
        if (clinic.Logo is { } logo && ImageSize.Of(logo) is { } size)
        {
            var height = 20.0;
            blocks.Add(new ImageBlock(logo, size.Width * height / size.Height, height, string.Format(System.Globalization.CultureInfo.InvariantCulture, labels.AltLogo, clinic.Name)) { SpaceAfter = 4 });
        }

        var address = string.Join(" \u00b7 ", clinic.AddressLines.Concat(clinic.Phone is null ? [] : [clinic.Phone]));
        blocks.Add(new ParagraphBlock(
        [
            new Run(clinic.Name, Theme.Heading(3) with { Color = Theme.Accent }),
            new Run(address.Length > 0 ? "   " + address : "", Theme.Small with { Size = 7.5 }),
        ]) { SpaceAfter = 4 });
        blocks.Add(new ParagraphBlock(
        [
            new Run(RecordComposer.DocumentTitle(record.Kind, labels), Theme.Title with { Size = 13 }),
            new Run($"   {labels.KindCheckin}", Theme.Subtitle with { Size = 10 }),
        ]) { KeepWithNext = true, SpaceAfter = 3, Role = "H1" });
        blocks.Add(new RuleBlock(Theme.Accent, 1) { SpaceAfter = 6 });
    }

    /// <summary>
    /// The public check page's address as one line of text (a consent record prints it as a QR code too; the code does not fit
    /// on a one-page check-in record beside everything the record must show).
    /// </summary>
    static void CheckLine(string? checkUrl, RecordLabels labels, List<Block> blocks)
    {
        if (string.IsNullOrWhiteSpace(checkUrl))
        {
            return;
        }

        blocks.Add(new ParagraphBlock(
        [
            new Run(labels.CheckThisRecord + ": ", Label8),
            new Run(checkUrl, Text8),
        ]) { SpaceAfter = 4 });
    }

    static TableBlock Compact(IReadOnlyList<double> weights, IReadOnlyList<TableCell>? header, IEnumerable<IReadOnlyList<TableCell>> rows, bool zebra = true) =>
        new(weights, header, [.. rows]) { Zebra = zebra, CellPadding = 2, SpaceAfter = 4, KeepTogether = true };

    /// <summary>Two label-value pairs a row, so the summary takes half the height.</summary>
    static void Summary(ConsentRecord record, CheckinDetails checkin, RecordLabels labels, List<Block> blocks)
    {
        var w = record.Workflow;
        var statusColor = checkin.Outcome.Result == CheckinResult.NotToday ? Theme.AlertBar : Theme.AcknowledgedBar;
        var pairs = new List<(string Label, TableCell Value)>
        {
            (labels.Patient, C(record.Patient.Name)),
            (labels.Status, C(Status(record, labels), Text8 with { Bold = true, Color = statusColor })),
            (labels.DateOfBirth, C(RecordTime.Format(record.Patient.DateOfBirth))),
            (labels.MedicalRecordNumber, C(record.Patient.MedicalRecordNumber ?? labels.NotRecorded)),
            (labels.CheckinWorkflow, C(w.Title)),
            (labels.WorkflowVersion, C($"{w.Id}, {labels.Version} {w.Version}")),
            (labels.Session, C(record.SessionId.ToString())),
            (labels.SessionLanguage, C(LanguageName(w.Language, labels))),
            (labels.Started, C(Time(record.StartedAt, record))),
            (labels.Ended, C(record.EndedAt is { } ended ? Time(ended, record) : labels.NotRecorded)),
            (labels.Issued, C(Time(record.IssuedAt, record))),
        };
        if (record.IdentityCheck is { } identity)
        {
            pairs.Add((labels.IdentityCheck, C($"{identity.Method}, {ClockTime(identity.VerifiedAt, record)}")));
        }

        if (checkin.DeviceKind is { } device)
        {
            pairs.Add((labels.DeviceKind, C(device)));
        }

        var rows = new List<IReadOnlyList<TableCell>>();
        for (var i = 0; i < pairs.Count; i += 2)
        {
            rows.Add(i + 1 < pairs.Count
                ? [L(pairs[i].Label), pairs[i].Value, L(pairs[i + 1].Label), pairs[i + 1].Value]
                : [L(pairs[i].Label), pairs[i].Value, C(""), C("")]);
        }

        blocks.Add(Compact([0.21, 0.29, 0.21, 0.29], null, rows, zebra: false) with { SpaceAfter = 2 });
        blocks.Add(new ParagraphBlock([new Run(labels.WorkflowHash + ": ", Label8), new Run(w.Hash, Text8 with { Size = 7 })]) { SpaceAfter = 2 });
    }

    static void ReliesOn(ConsentRecord record, CheckinDetails checkin, RecordLabels labels, List<Block> blocks)
    {
        blocks.Add(Heading(labels.ReliesOnHeading));
        if (checkin.ReliesOn is not { } consent)
        {
            blocks.Add(new ParagraphBlock([new Run(labels.ReliesOnNotSealed, Text8)]) { SpaceAfter = 6 });
            return;
        }

        blocks.Add(Compact([0.34, 0.66], null,
        [
            [L(labels.ConsentRecordHash), C(consent.RecordSha256, Text8 with { Bold = true })],
            [L(labels.ConsentSession), C($"{consent.SessionId} \u00b7 {labels.Version} {consent.Version.ToString(CultureInfo.InvariantCulture)} \u00b7 {labels.SignedAt} {Time(consent.SignedAt, record)}")],
        ], zebra: false));
    }

    static void Answers(ConsentRecord record, CheckinDetails checkin, RecordLabels labels, List<Block> blocks)
    {
        if (record.ScreeningAnswers.Count > 0)
        {
            blocks.Add(Heading(labels.PatientAnswers));
            // The day is in the summary; each answer shows its time of day with the offset.
            blocks.Add(Compact([0.78, 0.1, 0.12], [H(labels.Question), H(labels.Answer), H(labels.AnsweredAt)],
                record.ScreeningAnswers.Select(a => (IReadOnlyList<TableCell>)[C(a.Question), C(a.Answer, Text8 with { Bold = true }), C(ClockTime(a.At, record))])));
        }

        if (checkin.Affirmation is { } affirmation)
        {
            blocks.Add(new ParagraphBlock(
            [
                new Run(labels.Affirmation + ": ", Theme.Heading(3)),
                new Run($"\u201c{affirmation.Statement.Trim()}\u201d  ", Text8 with { Italic = true }),
                new Run(affirmation.Agrees ? labels.StillAgrees : labels.NoLongerAgrees, Text8 with { Bold = true, Color = affirmation.Agrees ? Theme.AcknowledgedBar : Theme.AlertBar }),
                new Run($"  {ClockTime(affirmation.At, record)}", Text8),
            ]) { SpaceBefore = 1, SpaceAfter = 4 });
        }
    }

    /// <summary>
    /// A disclosure the check-in showed (the SPRAVATO REMS dose-day rules): its title, how and when it was acknowledged, and the
    /// SHA-256 of exactly the text shown, which names that text in the workflow version; the text itself is in the workflow.
    /// </summary>
    static void Disclosures(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Disclosures.Count == 0)
        {
            return;
        }

        blocks.Add(Heading(labels.CheckinDisclosures));
        blocks.Add(Compact([0.22, 0.23, 0.55], null, record.Disclosures.Select(d => (IReadOnlyList<TableCell>)
        [
            C(d.Title, Text8 with { Bold = true }),
            C($"{(d.Method == AcknowledgmentMethod.Initials ? $"{labels.ByInitials} {d.Initials}" : labels.ByCheckbox)}, {ClockTime(d.AcknowledgedAt, record)}"),
            C(d.ContentSha256, Text8 with { Size = 6.5 }),
        ]), zebra: false));
    }

    static void StaffChecks(ConsentRecord record, CheckinDetails checkin, RecordLabels labels, List<Block> blocks)
    {
        if (checkin.StaffChecks.Count == 0)
        {
            return;
        }

        blocks.Add(Heading(labels.StaffChecks));
        foreach (var check in checkin.StaffChecks)
        {
            blocks.Add(new ParagraphBlock(
            [
                new Run(check.Title.Length > 0 ? check.Title + " \u2013 " : "", Text8 with { Bold = true }),
                new Run($"{labels.EnteredBy}: {check.EnteredBy}, {Time(check.At, record)}", Text8),
            ]) { SpaceAfter = 2, KeepWithNext = true });
            // Two values a row, label then value.
            var cells = check.Values.Select(v => (Label: C(v.Label), Value: C(v.Unit is { } unit ? $"{v.Value} {unit}" : v.Value, Text8 with { Bold = true }))).ToList();
            blocks.Add(Compact([0.33, 0.17, 0.33, 0.17], null, cells.Chunk(2).Select(pair => (IReadOnlyList<TableCell>)
                (pair.Length == 2 ? [pair[0].Label, pair[0].Value, pair[1].Label, pair[1].Value] : [pair[0].Label, pair[0].Value, C(""), C("")]))));
        }
    }

    static void Outcome(ConsentRecord record, CheckinDetails checkin, RecordLabels labels, List<Block> blocks)
    {
        var outcome = checkin.Outcome;
        var notToday = outcome.Result == CheckinResult.NotToday;
        var runs = new List<Run>
        {
            new($"{labels.Outcome}: ", Theme.Body with { Size = 8.5 }),
            new($"{Status(record, labels)} \u2013 {Time(outcome.At, record)}", Theme.Body with { Size = 8.5, Bold = true }),
        };
        if (outcome.HeldReasons.Count > 0)
        {
            runs.Add(new Run($"\n{labels.HeldBecause} ({labels.HeldAt} {(outcome.HeldAt is { } held ? ClockTime(held, record) : labels.NotRecorded)}):", Label8));
            foreach (var reason in outcome.HeldReasons)
            {
                runs.Add(new Run($"\n\u2022 {reason}", Text8 with { Size = 7 }));
            }
        }

        blocks.Add(new ParagraphBlock(runs)
        {
            Background = notToday ? Theme.AlertFill : Theme.AcknowledgedFill,
            AccentBar = notToday ? Theme.AlertBar : Theme.AcknowledgedBar,
            Padding = 4,
            SpaceAfter = 4,
            KeepTogether = true,
        });

        if (outcome.Decision is { } decision)
        {
            // The signature's manifestation (21 CFR 11.50(a)): printed name, date and time, and meaning, together.
            blocks.Add(Compact([0.12, 0.41, 0.09, 0.38], null,
            [
                [L(labels.DecidedBy), C(decision.PrintedName, Text8 with { Bold = true }), L(labels.SignedAt), C(Time(decision.SignedAt, record))],
                [L(labels.Meaning), C(decision.Meaning), L(labels.Method), C(labels.ElectronicSignature)],
            ], zebra: false) with { SpaceAfter = 2 });
            blocks.Add(new ParagraphBlock([new Run($"{labels.Note}: ", Label8), new Run(decision.Note, Text8)]) { SpaceAfter = 4 });
        }
    }

    static void ChainHead(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Audit.Events.Count == 0)
        {
            return;
        }

        // The hash of the last event the record covers (the check-in's end): the full log is in the service's audit trail.
        blocks.Add(new ParagraphBlock(
        [
            new Run($"{labels.ChainHead} ({labels.Event} {record.Audit.LastSequence.ToString(CultureInfo.InvariantCulture)}): ", Label8),
            new Run(record.Audit.LastHash, Text8),
        ]));
    }
}
