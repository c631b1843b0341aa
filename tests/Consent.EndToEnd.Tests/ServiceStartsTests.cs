namespace Consent.EndToEnd.Tests;

public sealed class ServiceStartsTests
{
    [Fact]
    public void ServiceAssembly_IsBuiltBesideTheTests()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Consent.Web.dll")));
    }
}
