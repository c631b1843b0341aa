using Consent.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace Consent.Web.Tests.Hosting;

/// <summary>Patient link tokens are masked in every text bound for the logs, however the path is written.</summary>
public sealed class LinkTokenRedactionTests
{
    private const string Token = "Zq3vX9_kP-2mN8rT5wY1aB4cD7eF0gH6iJ8kL2mN4oP";

    [Theory]
    [InlineData("/p/{0}", "/p/***")]
    [InlineData("/p/{0}/step", "/p/***/step")]
    [InlineData("/P/{0}/Sign?handler=Status", "/P/***/Sign?handler=Status")]
    [InlineData("GET https://clinic.example/api/v1/patient/{0}/current - - -", "GET https://clinic.example/api/v1/patient/***/current - - -")]
    [InlineData("/API/V1/Patient/{0}/record.pdf", "/API/V1/Patient/***/record.pdf")]
    [InlineData("/Account/Login?ReturnUrl=%2Fp%2F{0}%2Fstep", "/Account/Login?ReturnUrl=%2Fp%2F***%2Fstep")]
    [InlineData("RequestPath:/p/{0} RequestId:0HN:00000001", "RequestPath:/p/*** RequestId:0HN:00000001")]
    [InlineData("/clinician/sessions/5f0c", "/clinician/sessions/5f0c")]
    [InlineData("Request starting HTTP/1.1 GET http://127.0.0.1:5080/account/link/{0} - - -", "Request starting HTTP/1.1 GET http://127.0.0.1:5080/account/link/*** - - -")]
    [InlineData("\"RequestPath\":\"/Account/Link/{0}\"", "\"RequestPath\":\"/Account/Link/***\"")]
    [InlineData("Executing endpoint 'HTTP: GET /api/v1/patient/{{token}}/record.pdf'", "Executing endpoint 'HTTP: GET /api/v1/patient/{token}/record.pdf'")]
    [InlineData("Request starting HTTP/1.1 GET http://127.0.0.1:5080/account//link/{0} - - -", "Request starting HTTP/1.1 GET http://127.0.0.1:5080/account//link/*** - - -")]
    [InlineData("GET //p//{0}", "GET //p//***")]
    [InlineData("/api//v1/patient///{0}/current", "/api//v1/patient///***/current")]
    public void Paths_HaveTheirTokenMasked(string format, string expected) =>
        Assert.Equal(expected, LinkTokenRedaction.Redact(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Token)));

    [Fact]
    public void TheCurrentRequestsToken_IsMaskedAnywhere()
    {
        Assert.Equal(Token, LinkTokenRedaction.TokenIn(new PathString($"/api/v1/patient/{Token}/steps/consent")));
        Assert.Null(LinkTokenRedaction.TokenIn(new PathString("/p/short")));
        Assert.Equal("Route matched with {page = \"/Patient/Step\", token = \"***\"}",
            LinkTokenRedaction.Redact($"Route matched with {{page = \"/Patient/Step\", token = \"{Token}\"}}", Token));
    }
}
