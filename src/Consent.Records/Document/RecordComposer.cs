using System.Globalization;
using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>Turns a consent record into the blocks of the document, section by section, in the session language.</summary>
sealed class RecordComposer(ConsentRecord record, RecordLabels labels, string? checkUrl = null)
{
    readonly List<Block> _blocks = [];

    public List<Block> Compose()
    {
        if (record.Kind == RecordKind.Checkin)
        {
            // One page: the check-in's own sections, the chain head instead of the audit table (CheckinSections).
            CheckinSections.Add(record, labels, checkUrl, _blocks);
            return _blocks;
        }

        TitleBlock();
        Summary();
        CheckSection.Add(checkUrl, labels, _blocks);
        if (record.Paper is { } paper)
        {
            // A paper consent: the cover states what was signed on paper and by whom it was attested; the scan follows.
            PaperCover(paper);
            SignatureSections.Add(record, labels, _blocks);
            AuditSection.Add(record, labels, _blocks);
            return _blocks;
        }

        RecordSections.Outcome(record, labels, _blocks);
        RecordSections.Identity(record, labels, _blocks);
        RecordSections.Screening(record, labels, _blocks);
        DisclosureSections.Add(record, labels, _blocks);
        RecordSections.Comprehension(record, labels, _blocks);
        RecordSections.Questions(record, labels, _blocks);
        RecordSections.Discussions(record, labels, _blocks);
        SignatureSections.Add(record, labels, _blocks);
        AuditSection.Add(record, labels, _blocks);
        return _blocks;
    }

    /// <summary>The document's title: a check-in record is not a consent record.</summary>
    public static string DocumentTitle(RecordKind kind, RecordLabels labels) =>
        kind == RecordKind.Checkin ? labels.CheckinDocumentTitle : labels.DocumentTitle;

    public static string KindTitle(RecordKind kind, RecordLabels labels) => kind switch
    {
        RecordKind.Checkin => labels.KindCheckin,
        RecordKind.Consent => labels.KindConsent,
        RecordKind.Withdrawal => labels.KindWithdrawal,
        RecordKind.DeclinedSummary => labels.KindDeclined,
        RecordKind.ReferredSummary => labels.KindReferred,
    };

    internal string Status => record.Kind switch
    {
        RecordKind.Consent => record.Paper is null ? labels.StatusConsent : labels.StatusConsentOnPaper,
        RecordKind.Withdrawal => labels.StatusWithdrawal,
        RecordKind.DeclinedSummary => labels.StatusDeclined,
        RecordKind.ReferredSummary => labels.StatusReferred,
        RecordKind.Checkin => CheckinSections.Status(record, labels),
    };

    void PaperCover(PaperForm paper)
    {
        _blocks.Add(new HeadingBlock(labels.PaperForm, 1));
        _blocks.AddRange(MarkdownBlocks.Convert(labels.PaperFormIntro, Theme.Body));
        var type = paper.ContentType switch { "application/pdf" => "PDF", "image/jpeg" => "JPEG", "image/png" => "PNG", var other => other };
        _blocks.Add(RecordText.KeyValues(
        [
            (labels.PaperSignedOn, RecordTime.Format(paper.SignedOn)),
            (labels.ScanFile, string.Format(CultureInfo.InvariantCulture, "{0}, {1:N0} bytes, {2} page(s)", type, paper.Scan.Length, paper.Pages)),
            (labels.ScanSha256, paper.Sha256),
        ]));
    }

    void TitleBlock()
    {
        var clinic = record.Clinic;
        var address = string.Join("\n", clinic.AddressLines.Concat(clinic.Phone is null ? [] : [clinic.Phone]));
        if (clinic.Logo is { } logo && ImageSize.Of(logo) is { } size)
        {
            var height = 36.0;
            _blocks.Add(new ImageBlock(logo, size.Width * height / size.Height, height, string.Format(CultureInfo.InvariantCulture, labels.AltLogo, clinic.Name)) { SpaceAfter = 6 });
        }

        _blocks.Add(new ParagraphBlock([new Run(clinic.Name, Theme.Heading(2) with { Size = 11.5, Color = Theme.Accent })]));
        if (address.Length > 0)
        {
            _blocks.Add(new ParagraphBlock([new Run(address, Theme.Small)]) { SpaceAfter = 12 });
        }

        _blocks.Add(new ParagraphBlock([new Run(DocumentTitle(record.Kind, labels), Theme.Title)]) { KeepWithNext = true, Role = "H1" });
        _blocks.Add(new ParagraphBlock([new Run(KindTitle(record.Kind, labels), Theme.Subtitle)]) { SpaceAfter = 6, KeepWithNext = true });
        _blocks.Add(new RuleBlock(Theme.Accent, 1.2) { SpaceAfter = 10 });
    }

    void Summary()
    {
        var w = record.Workflow;
        var pairs = new List<(string, string)>
        {
            (labels.Patient, record.Patient.Name),
            (labels.DateOfBirth, RecordTime.Format(record.Patient.DateOfBirth)),
            (labels.MedicalRecordNumber, record.Patient.MedicalRecordNumber ?? labels.NotRecorded),
            (labels.Status, Status),
            (labels.Workflow, w.Title),
            (labels.WorkflowVersion, $"{w.Id}, {labels.Version} {w.Version}"),
            (labels.SessionLanguage, LanguageName(w.Language, labels)),
        };
        if (record.ClinicLanguage is { } clinicLanguage)
        {
            pairs.Add((labels.ClinicLanguage, LanguageName(clinicLanguage, labels)));
        }

        // Who approved the version the session ran on, and when: each signature's manifestation (21 CFR 11.50).
        if (record.WorkflowApprovals.Count > 0)
        {
            pairs.Add((labels.EthicsApproval, string.Join("\n", record.WorkflowApprovals.Select(a =>
                string.Format(CultureInfo.InvariantCulture, labels.SignedByAt, a.Meaning, a.SignerName, Time(a.SignedAt, record))))));
        }

        pairs.AddRange(
        [
            (labels.WorkflowHash, w.Hash),
            (labels.Session, record.SessionId.ToString()),
            (labels.Started, Time(record.StartedAt, record)),
        ]);
        if (record.EndedAt is { } ended)
        {
            pairs.Add((labels.Ended, Time(ended, record)));
        }

        pairs.Add((labels.Issued, Time(record.IssuedAt, record)));
        _blocks.Add(new HeadingBlock(labels.Summary, 1));
        var table = KeyValues(pairs);
        // The status is what a reader looks for first: green for consent given, amber otherwise.
        var statusColor = record.Kind == RecordKind.Consent ? Theme.AcknowledgedBar : Theme.AlertBar;
        var rows = table.Rows.Select((row, i) => i == 3
            ? (IReadOnlyList<TableCell>)[row[0], new TableCell([new Run(Status, Theme.TableText with { Bold = true, Color = statusColor })])]
            : row).ToList();
        _blocks.Add(table with { Rows = rows });
    }
}
