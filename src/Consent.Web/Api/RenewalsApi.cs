using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;

namespace Consent.Web.Api;

/// <summary>
/// Consents that need renewing (UseCases/PatientRecords/ConsentRenewals.cs): the clinic's open renewals, or the
/// caller's own (<c>?mine=true</c>), and re-consent for many patients at once.
/// </summary>
public static class RenewalsApi
{
    /// <summary>Renewals one list answers at most.</summary>
    public const int MostListed = 500;

    public static void MapRenewalsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/renewals").WithTags("Patients").RequireAuthorization(Policies.Clinician);
        group.MapGet("/", ListAsync).WithMetadata(new SystemEvents.PatientDataReadAttribute(SystemEvents.SystemEventTypes.Reads.Renewals, SystemEvents.ReadSubject.Many));
        // Its answer names each patient a re-consent was started for: a read of many patients, as the list is.
        group.MapPost("/reconsent", ReconsentAsync)
            .WithMetadata(new SystemEvents.PatientDataReadAttribute(SystemEvents.SystemEventTypes.Reads.Renewals, SystemEvents.ReadSubject.Many) { ReadsByPost = true });
    }

    internal static async Task<IResult> ListAsync(HttpContext http, ConsentRenewals renewals, bool? mine, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await renewals.ListAsync(mine == true ? StaffAccess.UserId(http.User) : null, MostListed, ct));
    }

    internal static async Task<IResult> ReconsentAsync(BulkReconsentInput body, HttpContext http, ConsentRenewals renewals, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        return (await renewals.StartManyAsync(body, Caller.From(http), ct)).ToHttp();
    }
}
