using Consent.Web.SignedRecords;

namespace Consent.Web.Tests.Records;

/// <summary>A record-signing certificate for test hosts that run outside Development (where one must be configured).</summary>
public static class TestSigningCertificate
{
    private static readonly Lazy<string> File = new(() =>
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"), "records.pfx");
        RecordSigning.CreateFile(path, "Consent test records", null);
        return path;
    });

    /// <summary>The PKCS#12 file (no password), created on first use.</summary>
    public static string Path => File.Value;
}
