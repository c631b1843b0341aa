using Consent.Web.Cli;

namespace Consent.Web.Tests.Cli;

public sealed class HostSwitchesTests
{
    [Theory]
    [InlineData(new[] { "audit", "--contentRoot", "/srv/consent/src/Consent.Web" }, new[] { "audit" })]
    [InlineData(new[] { "audit", "--full", "--contentRoot=/srv/x", "--environment", "Production" }, new[] { "audit", "--full" })]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5080", "--contentroot", "/x" }, new string[0])]
    [InlineData(new[] { "repair-staff-account", "a@b.example", "--roles", "none", "--applicationName=Consent.Web" },
        new[] { "repair-staff-account", "a@b.example", "--roles", "none" })]
    [InlineData(new[] { "audit", "--everything" }, new[] { "audit", "--everything" })]
    [InlineData(new[] { "audit", "--contentRootX", "y" }, new[] { "audit", "--contentRootX", "y" })]
    public void Strip_TakesOutTheHostsSwitchesAndTheirValues_AndKeepsTheRestInOrder(string[] args, string[] expected)
        => Assert.Equal(expected, HostSwitches.Strip(args));
}
