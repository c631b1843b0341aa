using Consent.Web.Identity;
using Consent.Web.SystemEvents;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;

namespace Consent.Web.Api;

/// <summary>
/// The clinic's patients (use cases in UseCases/PatientRecords): clinicians register, find, read and correct
/// them; auditors find and read. Search is a POST so names and MRNs stay out of URLs and their logs.
/// </summary>
public static class PatientsApi
{
    public static void MapPatientsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/patients").WithTags("Patients");
        group.MapPost("/", RegisterAsync).RequireAuthorization(Policies.Clinician)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.MrnConflict, ReadSubject.Many) { ReadsByPost = true, ReadsOnConflictOnly = true });
        group.MapPost("/search", SearchAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.PatientSearch, ReadSubject.Many) { ReadsByPost = true });
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.Patient, ReadSubject.Patient));
        // A correction answers the patient's details as they now are: a read of that patient (and its 409, of the MRN's holder).
        group.MapPost("/{id:guid}/corrections", CorrectAsync).RequireAuthorization(Policies.Clinician)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.Patient, ReadSubject.Patient) { ReadsByPost = true });
        group.MapGet("/{id:guid}/consents", ConsentsAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.PatientConsents, ReadSubject.Patient));
        group.MapPost("/{id:guid}/reconsent", ReconsentAsync).RequireAuthorization(Policies.Clinician);
        group.MapPost("/{id:guid}/checkins", CheckinAsync).RequireAuthorization(Policies.Clinician);
        group.MapGet("/{id:guid}/gate", GateAsync).RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.PatientGate, ReadSubject.Patient));
        // The same gate by MRN and date of birth, posted so that an MRN never appears in an address or its logs.
        app.MapPost("/api/v1/gate/lookup", GateLookupAsync).WithTags("Patients").RequireAuthorization(Policies.ClinicianOrAuditor)
            .WithMetadata(new PatientDataReadAttribute(SystemEventTypes.Reads.GateLookup, ReadSubject.Many) { ReadsByPost = true });
    }

    internal static async Task<IResult> GateAsync(Guid id, string? workflow, HttpContext http, ConsentGate gate, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return (await gate.CheckAsync(id, workflow, ct)).ToHttp();
    }

    internal static async Task<IResult> GateLookupAsync(GateLookupInput body, HttpContext http, ConsentGate gate, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var found = await gate.LookupAsync(body, ct);
        if (found is Outcome<GateView>.Ok { Value: var view })
        {
            PatientDataReads.Showed(http, view.PatientId);
        }

        return found.ToHttp();
    }

    internal static async Task<IResult> ReconsentAsync(Guid id, ReconsentInput body, HttpContext http, PatientReconsent reconsent, CancellationToken ct) =>
        (await reconsent.StartAsync(id, body, Caller.From(http), ct)).ToHttp(started => TypedResults.Created($"/api/v1/sessions/{started.Id}", started));

    internal static async Task<IResult> CheckinAsync(Guid id, StartCheckinInput body, HttpContext http, PatientCheckins checkins, CancellationToken ct) =>
        (await checkins.StartAsync(id, body, Caller.From(http), ct)).ToHttp(started => TypedResults.Created($"/api/v1/sessions/{started.Id}", started));

    internal static async Task<IResult> RegisterAsync(PatientDetailsInput body, HttpContext http, PatientRegistry patients, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return PatientDataReads.NamedInConflict(http, await patients.RegisterAsync(body, Caller.From(http), ct)).ToHttp(p => TypedResults.Created($"/api/v1/patients/{p.Id}", p));
    }

    internal static async Task<IResult> SearchAsync(PatientSearchInput body, HttpContext http, PatientRegistry patients, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return (await patients.SearchAsync(body, ct)).ToHttp();
    }

    internal static async Task<IResult> GetAsync(Guid id, HttpContext http, PatientTimeline timeline, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return (await timeline.GetAsync(id, ct)).ToHttp();
    }

    internal static async Task<IResult> CorrectAsync(Guid id, PatientCorrectionInput body, HttpContext http, PatientRegistry patients, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return PatientDataReads.NamedInConflict(http, await patients.CorrectAsync(id, body, Caller.From(http), ct)).ToHttp();
    }

    internal static async Task<IResult> ConsentsAsync(Guid id, HttpContext http, PatientConsents consents, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return (await consents.GetAsync(id, ct)).ToHttp();
    }
}
