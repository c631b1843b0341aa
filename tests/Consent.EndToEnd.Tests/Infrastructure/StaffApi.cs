using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>Starts sessions through the public API as the demo clinician (quicker than the start page, which has its own test).</summary>
public static class StaffApi
{
    public const string Clinician = "clinician@example.org";
    public const string Auditor = "auditor@example.org";
    public const string Reviewer = "reviewer@example.org";
    public const string Admin = "admin@example.org";

    /// <summary>The clinician's bearer token per service (not per address: a later service may get the same port).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ServiceHost, string> Tokens = new();

    /// <summary>
    /// An API client signed in as the demo clinician. Sign-ins are rate-limited, so the bearer token is
    /// reused, but only while the service still takes it: one that expired (they last an hour) or
    /// was ended by a sign-out is replaced by a new sign-in.
    /// </summary>
    public static async Task<HttpClient> ClinicianClientAsync(ServiceHost host)
    {
        var http = new HttpClient { BaseAddress = host.BaseUrl };
        if (!Tokens.TryGetValue(host, out var token) || !await AcceptedAsync(http, token))
        {
            var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email = Clinician, password = ServiceHost.DemoPassword });
            login.EnsureSuccessStatusCode();
            token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            Tokens.AddOrUpdate(host, token);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<bool> AcceptedAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/account");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    public static async Task<StartedSession> StartAsync(
        ServiceHost host, Patient patient, string language, string workflowId = "ketamine-iv-depression", string? mrn = null, string? email = null)
    {
        using var http = await ClinicianClientAsync(host);
        var response = await http.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId, language, patient = new { name = patient.Name, dateOfBirth = patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), mrn, email },
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var url = new Uri(body.GetProperty("patientUrl").GetString()!);
        return new StartedSession(body.GetProperty("id").GetGuid(), url.AbsolutePath);
    }
}

/// <summary>A session started for a test: its id and the patient link's path (<c>/p/{token}</c>).</summary>
public sealed record StartedSession(Guid Id, string PatientPath);

/// <summary>A test patient.</summary>
public sealed record Patient(string Name, DateOnly DateOfBirth, string Initials)
{
    public static readonly Patient English = new("Ann Marie Lee", new DateOnly(1980, 2, 3), "AML");
    public static readonly Patient Spanish = new("María José Pérez", new DateOnly(1975, 6, 30), "MJP");
}
