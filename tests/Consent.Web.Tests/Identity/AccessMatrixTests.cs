using System.Net;
using System.Net.Http.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Who sees what, endpoint by endpoint and page by page, with real sessions: anonymous, a patient
/// ticket of another session, the session's clinician, another clinician, auditor, ethics reviewer
/// and admin. The rules are in docs/RELIABILITY.md ("Access").
/// </summary>
public sealed class AccessMatrixTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    private const string OtherPassword = "another clinician password";

    private static readonly HashSet<int> AuthDenials = [401, 403, 404];

    [Fact]
    public async Task EveryApiEndpoint_AnswersEachActorAsTheRulesSay()
    {
        var (session, ticketOfAnotherSession, tokens, targetId) = await ArrangeAsync();
        var failures = new List<string>();
        var checkedEndpoints = 0;
        // Signing out ends the actor's token everywhere, so it is called last.
        foreach (var endpoint in Endpoints().Where(e => Pattern(e).StartsWith("/api/", StringComparison.Ordinal) && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
                     .OrderBy(e => Pattern(e) == "/api/v1/auth/logout"))
        {
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Last();
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var url = Url(endpoint, session, targetId);
                checkedEndpoints++;
                Expect(failures, method, url, "anonymous", await SendAsync(method, url, null), s => s == 401);
                var otherTicket = await SendAsync(method, url, ticketOfAnotherSession);
                Expect(failures, method, url, "patient ticket of another session", otherTicket,
                    s => policy == Policies.Patient ? s == 403 : s == 401);
                foreach (var (actor, token) in tokens)
                {
                    var status = await SendAsync(method, url, token);
                    Expect(failures, method, url, actor, status, s => Allowed(policy, actor, url)
                        ? !AuthDenials.Contains(s) && s < 500
                        : policy == Policies.Patient ? s == 401
                        : Admits(policy, actor) ? s == 404 // admitted by role, but not this session: looks like no session at all
                        : s == 403);
                }
            }
        }

        Assert.True(checkedEndpoints >= 25, $"only {checkedEndpoints} endpoints checked");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryStaffPage_RedirectsAnonymousToSignIn_AndRefusesWrongRoles()
    {
        var (session, _, tokens, targetId) = await ArrangeAsync();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => Pattern(e) is { Length: > 0 } p && !p.StartsWith("/api/", StringComparison.Ordinal)
                     && !p.StartsWith("/p/", StringComparison.Ordinal) && e.Metadata.GetMetadata<IAllowAnonymous>() is null
                     && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any()))
        {
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Last();
            var url = Url(endpoint, session, targetId);
            using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
            var response = await anonymous.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("/Account/Login", StringComparison.Ordinal) != true)
            {
                failures.Add($"GET {url} anonymous: {(int)response.StatusCode} {response.Headers.Location}");
            }

            foreach (var (actor, token) in tokens)
            {
                var status = await SendAsync("GET", url, token);
                if (Allowed(policy, actor, url) ? AuthDenials.Contains(status) || status >= 500 : status is not (403 or 404))
                {
                    failures.Add($"GET {url} as {actor}: {status}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Expect(List<string> failures, string method, string url, string actor, int status, Func<int, bool> rule)
    {
        if (!rule(status))
        {
            failures.Add($"{method} {url} as {actor}: {status}");
        }
    }

    /// <summary>Which roles a policy admits at all.</summary>
    private static bool Admits(string policy, string actor) => policy switch
    {
        Policies.Staff => actor != "patient",
        Policies.Clinician => actor is "session's clinician" or "another clinician",
        Policies.ClinicianOrAuditor => actor is "session's clinician" or "another clinician" or "auditor",
        Policies.Auditor => actor == "auditor",
        Policies.EthicsReviewer => actor == "ethics reviewer",
        Policies.Admin => actor == "admin",
        _ => false,
    };

    /// <summary>Admitted by role, and for a session's own URLs also by the per-session rule.</summary>
    private static bool Allowed(string policy, string actor, string url) =>
        Admits(policy, actor) && (!IsSessionUrl(url) || actor != "another clinician");

    private static bool IsSessionUrl(string url) =>
        (url.StartsWith("/api/v1/sessions/", StringComparison.Ordinal) || url.StartsWith("/clinician/sessions/", StringComparison.Ordinal))
        && url.Length > "/api/v1/sessions/".Length;

    /// <summary>
    /// Everything a test needs, made afresh for it (accounts with names of its own): nothing is kept
    /// between tests, so either may run first, or alone.
    /// </summary>
    private async Task<((Guid Id, string Token, Guid PatientId) Session, string TicketOfAnotherSession, Dictionary<string, string> Tokens, string TargetId)> ArrangeAsync()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(session), session);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign", new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        var other = await driver.StartAsync();
        var otherPatient = await driver.VerifyAsync(other);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var otherClinician = $"other.matrix.{unique}@example.org";
        string targetId;
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, otherClinician, OtherPassword, "Other Clinician", "Clinician");

            // The account the admin endpoints act on (deactivate, roles, invitation): none of the actors, whose tokens must keep working.
            targetId = await StaffAccounts.InviteAsync(admin, $"matrix.target.{unique}@example.org", "Matrix Target", "Clinician");
        }

        var tokens = new Dictionary<string, string>
        {
            ["session's clinician"] = await factory.LoginAsync(Staff.Clinician),
            ["another clinician"] = await factory.LoginAsync(otherClinician, OtherPassword),
            ["auditor"] = await factory.LoginAsync(Staff.Auditor),
            ["ethics reviewer"] = await factory.LoginAsync(Staff.Reviewer),
            ["admin"] = await factory.LoginAsync(Staff.Admin),
        };
        // The patient's URLs (/api/v1/patients/{id}, /clinician/patients/{id}, /audit/patients/{id}) name the session's patient.
        var patientId = (await driver.SessionAsync(session.Id))["patientId"]!.GetValue<Guid>();
        return ((session.Id, session.Token, patientId), otherPatient.DefaultRequestHeaders.Authorization!.Parameter!, tokens, targetId);
    }

    private IEnumerable<RouteEndpoint> Endpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    private static string Pattern(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');

    private async Task<int> SendAsync(string method, string url, string? token)
    {
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string Url(RouteEndpoint endpoint, (Guid Id, string Token, Guid PatientId) session, string staffUserId) =>
        "/" + string.Join("/", endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { Name: "id" } when (endpoint.RoutePattern.RawText ?? "").Contains("admin/users", StringComparison.Ordinal) => staffUserId,
            RoutePatternParameterPart { Name: "id" } when (endpoint.RoutePattern.RawText ?? "").Contains("patients/", StringComparison.Ordinal) => session.PatientId.ToString(),
            RoutePatternParameterPart { Name: "id" } p when p.ParameterPolicies.Any(x => x.Content == "guid") => session.Id.ToString(),
            RoutePatternParameterPart { Name: "id" } => "ketamine-iv-depression",
            RoutePatternParameterPart { Name: "workflowId" } => "ketamine-iv-depression",
            RoutePatternParameterPart { Name: "token" } => session.Token,
            RoutePatternParameterPart { Name: "version" } => "1",
            RoutePatternParameterPart { Name: "questionId" } => "q1",
            RoutePatternParameterPart { Name: "stepId" } => "screening",
            RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content == "guid") => Guid.NewGuid().ToString(),
            RoutePatternParameterPart => "sample",
            _ => "",
        }))));
}
