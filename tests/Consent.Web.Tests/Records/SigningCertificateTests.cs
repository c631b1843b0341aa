using Consent.Web.Hosting;
using Consent.Web.SignedRecords;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Consent.Web.Tests.Records;

/// <summary>Where the signing certificate comes from, and how a wrong one stops start-up.</summary>
public sealed class SigningCertificateTests
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void InDevelopment_TheFirstRunCreatesACertificate_AndLaterRunsReuseIt()
    {
        var settings = Settings(("CONSENT_DATA_DIR", folder));

        using var first = RecordSigning.Load(settings, Host("Development"));
        using var second = RecordSigning.Load(settings, Host("Development"));

        Assert.Equal(Path.Combine(folder, RecordSigning.DevelopmentFileName), first.Source);
        Assert.Equal(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Source));
        }
    }

    [Fact]
    public void TheDevelopmentCertificate_IsValidFromTwoYearsBack_ForTheDemoData_ButAMadeOneFromNow()
    {
        var made = Path.Combine(folder, "made.pfx");
        RecordSigning.CreateFile(made, "Clinic records", null);

        using var development = RecordSigning.Load(Settings(("CONSENT_DATA_DIR", folder)), Host("Development"));
        using var madeForAClinic = Consent.Records.SigningCertificates.Load(made, null);

        var now = DateTime.UtcNow;
        Assert.InRange(development.Certificate.NotBefore.ToUniversalTime(), now - RecordSigning.DevelopmentHistory - TimeSpan.FromMinutes(1), now.AddDays(-700));
        Assert.InRange(madeForAClinic.NotBefore.ToUniversalTime(), now.AddMinutes(-6), now);
    }

    [Fact]
    public void ManyNodesStartingAtOnce_AllEndUpWithTheSameDevelopmentCertificate()
    {
        var settings = Settings(("CONSENT_DATA_DIR", folder));

        var loaded = Enumerable.Range(0, 8).AsParallel().Select(_ => RecordSigning.Load(settings, Host("Development"))).ToList();

        Assert.Single(loaded.Select(s => s.Certificate.Thumbprint).Distinct());
        Assert.Single(Directory.GetFiles(folder));
        loaded.ForEach(s => s.Dispose());
    }

    [Fact]
    public void AConfiguredCertificate_IsUsedInAnyEnvironment_AndAWrongPasswordIsAStartupProblem()
    {
        var file = Path.Combine(folder, "clinic.pfx");
        RecordSigning.CreateFile(file, "Clinic records", "s3cret-password");

        using var loaded = RecordSigning.Load(Settings(("Signing:CertificatePath", file), ("Signing:CertificatePassword", "s3cret-password")), Host("Production"));
        var wrong = Assert.Throws<StartupProblemException>(() =>
            RecordSigning.Load(Settings(("Signing:CertificatePath", file), ("Signing:CertificatePassword", "nope")), Host("Production")));
        var missing = Assert.Throws<StartupProblemException>(() =>
            RecordSigning.Load(Settings(("Signing:CertificatePath", Path.Combine(folder, "absent.pfx"))), Host("Production")));

        Assert.Equal("CN=Clinic records", loaded.Certificate.Subject);
        Assert.Contains("Signing:CertificatePassword", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideDevelopment_NoCertificate_IsAStartupProblem_NeverASilentSelfSignedOne()
    {
        var problem = Assert.Throws<StartupProblemException>(() => RecordSigning.Load(Settings(("CONSENT_DATA_DIR", folder)), Host("Production")));

        Assert.Contains("Signing__CertificatePath", problem.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any());
    }

    [Fact]
    public void AnUnknownClinicTimeZone_IsAStartupProblem()
    {
        var problem = Assert.Throws<StartupProblemException>(() => ClinicSettings.From(Settings(("Consent:TimeZone", "Mars/Olympus_Mons"))));

        Assert.Contains("Consent:TimeZone", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["12 Harbor Street", "Portland, ME"], ClinicSettings.From(Settings(("Consent:ClinicAddress", " 12 Harbor Street ;Portland, ME; "))).Clinic.AddressLines);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    private static HostEnvironment Host(string name) => new() { EnvironmentName = name };

    private sealed class HostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";

        public string ApplicationName { get; set; } = "Consent.Web";

        public string ContentRootPath { get; set; } = "";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
