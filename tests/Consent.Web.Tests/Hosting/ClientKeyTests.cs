using System.Net;
using Consent.Web.Hosting;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// Which client a rate limit counts. An outside review of the public check page changed its source
/// address between checks: on IPv6 a host usually holds a whole /64, so counting single addresses gave
/// it a fresh limit each time. IPv6 clients are counted by their /64, IPv4 ones by their address.
/// </summary>
public sealed class ClientKeyTests
{
    [Fact]
    public void TwoAddressesOfOneIPv6Network_AreOneClient_AnotherNetworkIsAnother()
    {
        var one = RateLimits.ClientKey(IPAddress.Parse("2001:db8:1:2:aaaa::1"));
        Assert.Equal(one, RateLimits.ClientKey(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:fffe")));
        Assert.NotEqual(one, RateLimits.ClientKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("2001:db8:1:2::/64", one);
    }

    [Fact]
    public void IPv4Addresses_AreEachTheirOwnClient_MappedOrNot()
    {
        Assert.Equal("192.0.2.7", RateLimits.ClientKey(IPAddress.Parse("192.0.2.7")));
        Assert.Equal("192.0.2.7", RateLimits.ClientKey(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotEqual(RateLimits.ClientKey(IPAddress.Parse("192.0.2.7")), RateLimits.ClientKey(IPAddress.Parse("192.0.2.8")));
        Assert.Equal("unknown", RateLimits.ClientKey(null));
    }
}
