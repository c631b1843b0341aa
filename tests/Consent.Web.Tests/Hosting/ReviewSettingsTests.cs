using Consent.Web.Hosting;
using Consent.Web.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// <c>Review:RequiredApprovals</c>: how many distinct reviewers must approve a workflow version. Unset, 2 outside
/// Development and 1 in Development (the demo's seeded approval serves); set, it is used as set in any environment.
/// </summary>
public sealed class ReviewSettingsTests
{
    [Theory]
    [InlineData("Development", null, 1)]
    [InlineData("Production", null, 2)]
    [InlineData("Staging", null, 2)]
    [InlineData("Development", "2", 2)]
    [InlineData("Production", "3", 3)]
    [InlineData("Production", "1", 1)]
    public void RequiredApprovals_DefaultsByEnvironment_AndASetValueIsKept(string environment, string? value, int expected) =>
        Assert.Equal(expected, Options(environment, value).Required);

    [Fact]
    public void ZeroRequiredApprovals_IsRefused_NamingTheKey()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options("Production", "0"));
        Assert.Contains("Review:RequiredApprovals must be 1 or more", refused.Message, StringComparison.Ordinal);
    }

    private static ReviewOptions Options(string environment, string? value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(value is null ? [] : [KeyValuePair.Create("Review:RequiredApprovals", (string?)value)]).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment, ApplicationName = "Consent.Web" });
        services.AddConsentSettings(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ReviewOptions>>().Value;
    }
}
