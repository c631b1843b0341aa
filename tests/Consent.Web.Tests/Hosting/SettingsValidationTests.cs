using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// Settings are bound to typed options and checked at start-up: a bad value stops the service before
/// it touches anything, with exit code 1 and a message naming the key, never a stack trace.
/// </summary>
public sealed class SettingsValidationTests
{
    /// <remarks>No database is reached: the settings are checked before it is (the address is closed on purpose).</remarks>
    [Theory]
    [InlineData("Smtp__Port", "99999", "Smtp:Port")]
    [InlineData("Smtp__Port", "twenty-five", "Smtp:Port")]
    [InlineData("Smtp__From", "not an address", "Smtp:From")]
    [InlineData("Consent__TimeZone", "Mars/Olympus_Mons", "Consent:TimeZone")]
    [InlineData("Consent__ClinicLanguage", "fr", "Consent:ClinicLanguage")]
    [InlineData("Consent__PublicBaseUrl", "clinic.example.org/consent", "Consent:PublicBaseUrl")]
    [InlineData("Sessions__StateCacheEvents", "-5", "Sessions:StateCacheEvents")]
    [InlineData("Sessions__StateCacheEvents", "lots", "Sessions:StateCacheEvents")]
    [InlineData("Database__RuntimeRole", "app; DROP ROLE x", "Database:RuntimeRole")]
    [InlineData("Database__MigrateOnStartup", "sometimes", "Database:MigrateOnStartup")]
    [InlineData("Database__SynchronousCommit", "remote_apply", "Database:SynchronousCommit must be on or local")]
    [InlineData("Database__SynchronousCommitTimeoutSeconds", "0", "Database:SynchronousCommitTimeoutSeconds")]
    [InlineData("Database__MaxReadLagSeconds", "-1", "Database:MaxReadLagSeconds")]
    [InlineData("ConnectionStrings__ConsentRead", "Host=standby;Replica Please=yes", "ConnectionStrings:ConsentRead")]
    [InlineData("Signing__PreviousCertificatesPath", "/nonexistent/previous.pem", "Signing:PreviousCertificatesPath")]
    [InlineData("RateLimits__LoginPerMinute", "0", "RateLimits:LoginPerMinute")]
    [InlineData("RateLimits__PatientVerifyPerMinute", "-1", "RateLimits:PatientVerifyPerMinute")]
    [InlineData("RateLimits__PatientRequestsPerMinute", "many", "RateLimits:PatientRequestsPerMinute")]
    [InlineData("Audit__IntervalMinutes", "-15", "Audit:IntervalMinutes")]
    [InlineData("Audit__FirstRunAfterSeconds", "soon", "Audit:FirstRunAfterSeconds")]
    [InlineData("Outbox__RunWorker", "maybe", "Outbox:RunWorker")]
    [InlineData("Renewals__IntervalMinutes", "-1", "Renewals:IntervalMinutes")]
    [InlineData("Renewals__EmailNewLink", "true", "Renewals:EmailNewLink needs Consent:PublicBaseUrl")]
    [InlineData("Review__RequiredApprovals", "0", "Review:RequiredApprovals must be 1 or more")]
    [InlineData("Review__RequiredApprovals", "two", "Review:RequiredApprovals")]
    public async Task ABadSetting_StopsStartUp_WithAMessageNamingTheKey(string variable, string value, string key)
    {
        var result = await ServiceProcess.StartInProductionAsync("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=2",
            new Dictionary<string, string>
            {
                ["Signing__CertificatePath"] = TestSigningCertificate.Path,
                ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
                [variable] = value,
            });

        ServiceProcess.AssertRefusedToStart(result, key);
    }

    [Fact]
    public async Task ADataFolderThatIsAFile_StopsStartUp_WithAMessageNamingTheKey()
    {
        var file = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "not a folder");

        var result = await ServiceProcess.StartInProductionAsync("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=2",
            new Dictionary<string, string>
            {
                ["Signing__CertificatePath"] = TestSigningCertificate.Path,
                ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
                ["CONSENT_DATA_DIR"] = file,
            });

        ServiceProcess.AssertRefusedToStart(result, "CONSENT_DATA_DIR");
    }
}
