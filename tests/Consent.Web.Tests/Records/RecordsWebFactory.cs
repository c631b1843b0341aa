using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>
/// The service with its own data folder (development certificate, mail), a clinic configured for
/// records, and the outbox worker running, which issues records and sends mail.
/// </summary>
public class RecordsWebFactory : ConsentWebFactory
{
    protected override bool RunsOutboxWorker => true;

    public const string ClinicName = "Riverside Ketamine Clinic";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"));

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["CONSENT_DATA_DIR"] = DataDirectory,
        ["Consent:ClinicName"] = ClinicName,
        ["Consent:ClinicAddress"] = "12 Harbor Street; Portland, ME 04101",
        ["Consent:ClinicPhone"] = "+1 207 555 0142",
        ["Consent:TimeZone"] = "America/New_York",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
