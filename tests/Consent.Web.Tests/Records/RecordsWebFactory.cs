using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Consent.Web.Tests.Records;

/// <summary>The service with its own data folder (development certificate, mail) and a clinic configured for records.</summary>
public class RecordsWebFactory : ConsentWebFactory
{
    public const string ClinicName = "Riverside Ketamine Clinic";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("CONSENT_DATA_DIR", DataDirectory);
        builder.UseSetting("Consent:ClinicName", ClinicName);
        builder.UseSetting("Consent:ClinicAddress", "12 Harbor Street; Portland, ME 04101");
        builder.UseSetting("Consent:ClinicPhone", "+1 207 555 0142");
        builder.UseSetting("Consent:TimeZone", "America/New_York");
    }

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
