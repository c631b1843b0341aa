namespace Consent.Web.Hosting;

/// <summary>What start-up checks and prepares before the service serves, and before <c>seed-demo-data</c> writes.</summary>
public static class StartupPreparation
{
    /// <summary>
    /// Checks the settings, proxy, records, mail and key encryption, then migrates and seeds the database, and records
    /// on the system audit trail a record-signing certificate not recorded there before (<see cref="SystemEvents.OperationsEvents"/>).
    /// </summary>
    /// <exception cref="StartupProblemException">Something the operator must fix; the message says what.</exception>
    public static async Task CheckAndPrepareAsync(this WebApplication app)
    {
        app.ValidateSettings();
        app.CheckProxyConfiguration();
        app.CheckRecordsConfiguration();
        app.CheckMailConfiguration();
        app.CheckKeyEncryption();
        await app.PrepareDatabaseAsync();
        await SystemEvents.OperationsEvents.RecordSigningCertificateAsync(app);
    }
}
