using System.Net;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Identity;

/// <summary>Every endpoint and page declares who may use it, and the pipeline enforces it.</summary>
public sealed class AuthorizationCoverageTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    /// <summary>Which demo accounts each policy admits (Development: no second factor needed).</summary>
    private static readonly Dictionary<string, string[]> Admitted = new()
    {
        [Policies.Staff] = [.. Staff.All],
        [Policies.Clinician] = [Staff.Clinician],
        [Policies.Auditor] = [Staff.Auditor],
        [Policies.ClinicianOrAuditor] = [Staff.Clinician, Staff.Auditor],
        [Policies.EthicsReviewer] = [Staff.Reviewer],
        [Policies.Admin] = [Staff.Admin],
        [Policies.Patient] = [],
    };

    private IReadOnlyList<RouteEndpoint> Endpoints =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    [Fact]
    public void EveryEndpointAndPage_DeclaresAPolicyOrAnonymous()
    {
        Assert.NotEmpty(Endpoints);
        var undeclared = Endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy)))
            .Select(e => e.RoutePattern.RawText ?? e.DisplayName)
            .ToList();
        Assert.True(undeclared.Count == 0, "Without an explicit policy: " + string.Join(", ", undeclared));
    }

    /// <remarks>
    /// Read from each page's endpoint, so it counts what the pipeline enforces: a page model's
    /// <c>[Authorize(Policy = …)]</c>, or the one convention that makes every page under Pages/Patient
    /// anonymous (Hosting/PagesRegistration.cs). A staff page without a policy, or a patient page
    /// outside that folder, has neither and fails here.
    /// </remarks>
    [Fact]
    public void EveryPageModel_HasAPolicy_OrIsAPatientPageMadeAnonymousByItsFolder()
    {
        var pages = typeof(Program).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(PageModel)) && !t.IsAbstract).ToList();
        Assert.NotEmpty(pages);
        var byModel = Endpoints.Select(e => (Endpoint: e, Page: e.Metadata.GetMetadata<CompiledPageActionDescriptor>()))
            .Where(p => p.Page?.ModelTypeInfo is not null)
            .ToLookup(p => p.Page!.ModelTypeInfo!.AsType(), p => p.Endpoint);
        var unmarked = pages.Where(t => !byModel[t].Any() || byModel[t].Any(e =>
                e.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy))))
            .Select(t => t.Name).ToList();
        Assert.True(unmarked.Count == 0, "Pages without a policy: " + string.Join(", ", unmarked));

        // Anonymous pages are the patient's folder and the few named ones (home, sign-in, access denied), nothing else.
        var anonymous = pages.Where(t => byModel[t].Any(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)).ToList();
        Assert.All(anonymous, t => Assert.True(
            t.Namespace == "Consent.Web.Pages.Patient" || t.GetCustomAttributes(typeof(AllowAnonymousAttribute), true).Length > 0,
            $"{t.FullName} is anonymous without being a patient page or saying so itself"));
        Assert.Contains(anonymous, t => t.Namespace == "Consent.Web.Pages.Patient");
    }

    [Fact]
    public void EveryPolicyInUse_IsKnownToThisTest()
    {
        var policies = Endpoints.SelectMany(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>()).Select(a => a.Policy).OfType<string>().Distinct();
        Assert.All(policies, p => Assert.True(Admitted.ContainsKey(p), $"Policy {p} has no expectation in this test."));
    }

    [Fact]
    public async Task EveryProtectedApiEndpoint_Is401WithoutLogin_And403ForEachWrongRole()
    {
        var tokens = new Dictionary<string, string>();
        foreach (var email in Staff.All)
        {
            tokens[email] = await factory.LoginAsync(email);
        }

        var checkedCount = 0;
        var failures = new List<string>();
        foreach (var endpoint in Endpoints.Where(e => (e.RoutePattern.RawText ?? "").StartsWith("/api/", StringComparison.Ordinal)
                     && e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Last();
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var url = Url(endpoint);
                var anonymous = await SendAsync(method, url, null);
                if (anonymous != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{method} {url} anonymous: {(int)anonymous}");
                }

                foreach (var (email, token) in tokens.Where(t => !Admitted[policy].Contains(t.Key)))
                {
                    var status = await SendAsync(method, url, token);
                    var expected = policy == Policies.Patient ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                    if (status != expected)
                    {
                        failures.Add($"{method} {url} as {email}: {(int)status}, expected {(int)expected}");
                    }
                }

                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 5, $"only {checkedCount} protected endpoints found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<HttpStatusCode> SendAsync(string method, string url, string? token)
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
        return response.StatusCode;
    }

    private static string Url(RouteEndpoint endpoint)
    {
        var parts = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter =>
                parameter.ParameterPolicies.Any(p => p.Content == "guid") ? Guid.NewGuid().ToString()
                : parameter.ParameterPolicies.Any(p => p.Content == "int") ? "1"
                : "sample",
            _ => "",
        })));
        return "/" + string.Join("/", parts);
    }
}
