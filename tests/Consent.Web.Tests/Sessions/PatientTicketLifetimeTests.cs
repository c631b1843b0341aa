using System.Net;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Sessions;

/// <summary>The service's clock set to a day long past (the real one has moved on since).</summary>
public sealed class PastClockFactory() : ClockedWebFactory(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

/// <summary>
/// A patient's ticket (after the date-of-birth check) lasts <see cref="PatientAccess.Lifetime"/> by the service's own
/// clock, the one that issued it: it was issued by that clock and checked against the machine's, so a ticket issued
/// with a clock behind the machine's was refused at once (the CDS check-in loop, with its fixed day, failed the day after).
/// </summary>
public sealed class PatientTicketLifetimeTests(PastClockFactory factory) : IClassFixture<PastClockFactory>
{
    [Fact]
    public async Task ATicketOpensTheSessionForFourHoursByTheServicesClock_ThenNoLonger()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);

        Assert.Equal(HttpStatusCode.OK, (await patient.GetAsync($"/api/v1/patient/{session.Token}/current")).StatusCode);
        factory.Clock.Advance(PatientAccess.Lifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await patient.GetAsync($"/api/v1/patient/{session.Token}/current")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await patient.GetAsync($"/api/v1/patient/{session.Token}/current")).StatusCode);
    }
}
