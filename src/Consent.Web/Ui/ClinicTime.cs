using Consent.Records;
using Consent.Web.SignedRecords;

namespace Consent.Web.Ui;

/// <summary>
/// Times on staff pages: in the clinic's time zone (<c>Consent:TimeZone</c>) with the UTC offset,
/// to the second, exactly as the record's audit section prints them. The API keeps answering in UTC.
/// </summary>
public sealed class ClinicTime(ClinicSettings clinic)
{
    /// <summary>"2026-11-30 04:12:03 −05:00".</summary>
    public string Show(DateTimeOffset at) => RecordTime.FormatPrecise(at, clinic.TimeZone);

    /// <summary>The time, or "—" when there is none.</summary>
    public string Show(DateTimeOffset? at) => at is { } value ? Show(value) : "—";
}
