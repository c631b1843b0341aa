using System.Globalization;
using Consent.Records.Signing;
using PdfSharp.Pdf;

namespace Consent.Records.Document;

/// <summary>
/// The document information dictionary: title and author for readers, and custom keys
/// (/ConsentSessionId, /ConsentRecordKind, /ConsentWorkflowId, ...) that the verifier reads back.
/// </summary>
/// <remarks>
/// /ConsentChainSeq and /ConsentChainHash name the last event of the session's hash chain the record
/// covers. They are inside the signed bytes, so a chain rewritten after signing (every later hash
/// recomputed) no longer agrees with the record, and the service reports it (docs/event-log.md).
/// </remarks>
static class RecordInfo
{
    public const string SessionIdKey = "/ConsentSessionId";
    public const string RecordKindKey = "/ConsentRecordKind";
    public const string WorkflowIdKey = "/ConsentWorkflowId";
    public const string WorkflowVersionKey = "/ConsentWorkflowVersion";
    public const string WorkflowHashKey = "/ConsentWorkflowHash";
    public const string LanguageKey = "/ConsentLanguage";
    public const string ChainSeqKey = "/ConsentChainSeq";
    public const string ChainHashKey = "/ConsentChainHash";

    /// <summary>The application that made the record (/Creator, xmp:CreatorTool).</summary>
    public const string Creator = "Consent";

    public static void Write(PdfDocument document, ConsentRecord record, RecordLabels labels)
    {
        var info = document.Info;
        info.Title = $"{RecordComposer.DocumentTitle(record.Kind, labels)} \u2013 {RecordComposer.KindTitle(record.Kind, labels)}";
        info.Author = record.Clinic.Name;
        info.Subject = $"{record.Workflow.Title} ({record.Workflow.Id} {labels.Version} {record.Workflow.Version})";
        // Room for the PDF/A identification the saved XMP packet gets (Signing/XmpPacket.cs): trailing spaces that the
        // final bytes move out of the string (Info) and replace with the packet's new properties (XMP), same length.
        info.Creator = Creator + new string(' ', XmpPacket.Room);
        info.CreationDate = record.IssuedAt.UtcDateTime;
        info.ModificationDate = record.IssuedAt.UtcDateTime;
        info.Elements.SetString(SessionIdKey, record.SessionId.ToString());
        info.Elements.SetString(RecordKindKey, record.Kind.ToString());
        info.Elements.SetString(WorkflowIdKey, record.Workflow.Id);
        info.Elements.SetString(WorkflowVersionKey, record.Workflow.Version.ToString(CultureInfo.InvariantCulture));
        info.Elements.SetString(WorkflowHashKey, record.Workflow.Hash);
        info.Elements.SetString(LanguageKey, record.Workflow.Language);
        if (record.Audit.Events.Count > 0)
        {
            info.Elements.SetString(ChainSeqKey, record.Audit.LastSequence.ToString(CultureInfo.InvariantCulture));
            info.Elements.SetString(ChainHashKey, record.Audit.LastHash);
        }
    }
}
