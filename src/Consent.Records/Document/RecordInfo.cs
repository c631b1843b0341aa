using System.Globalization;
using PdfSharp.Pdf;

namespace Consent.Records.Document;

/// <summary>
/// The document information dictionary: title and author for readers, and custom keys
/// (/ConsentSessionId, /ConsentRecordKind, /ConsentWorkflowId, ...) that the verifier reads back.
/// </summary>
static class RecordInfo
{
    public const string SessionIdKey = "/ConsentSessionId";
    public const string RecordKindKey = "/ConsentRecordKind";
    public const string WorkflowIdKey = "/ConsentWorkflowId";
    public const string WorkflowVersionKey = "/ConsentWorkflowVersion";
    public const string WorkflowHashKey = "/ConsentWorkflowHash";
    public const string LanguageKey = "/ConsentLanguage";

    public static void Write(PdfDocument document, ConsentRecord record, RecordLabels labels)
    {
        var info = document.Info;
        info.Title = $"{labels.DocumentTitle} \u2013 {RecordComposer.KindTitle(record.Kind, labels)}";
        info.Author = record.Clinic.Name;
        info.Subject = $"{record.Workflow.Title} ({record.Workflow.Id} {labels.Version} {record.Workflow.Version})";
        info.Creator = "Consent";
        info.CreationDate = record.IssuedAt.UtcDateTime;
        info.ModificationDate = record.IssuedAt.UtcDateTime;
        info.Elements.SetString(SessionIdKey, record.SessionId.ToString());
        info.Elements.SetString(RecordKindKey, record.Kind.ToString());
        info.Elements.SetString(WorkflowIdKey, record.Workflow.Id);
        info.Elements.SetString(WorkflowVersionKey, record.Workflow.Version.ToString(CultureInfo.InvariantCulture));
        info.Elements.SetString(WorkflowHashKey, record.Workflow.Hash);
        info.Elements.SetString(LanguageKey, record.Workflow.Language);
    }
}
