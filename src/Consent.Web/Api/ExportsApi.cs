using Consent.Web.Identity;
using Consent.Web.SignedRecords;

namespace Consent.Web.Api;

/// <summary>Bulk exports for auditors: every signed record in a period as one streamed ZIP.</summary>
public static class ExportsApi
{
    public static void MapExportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/exports").WithTags("Exports");
        group.MapGet("/records.zip", RecordsZip).RequireAuthorization(Policies.Auditor)
            .WithDescription("Signed records issued in [from, to) (ISO 8601), optionally of one workflow: manifest.csv, records/*.pdf, certificate.pem.");
    }

    internal static IResult RecordsZip(
        DateTimeOffset? from, DateTimeOffset? to, string? workflowId, HttpContext http, RecordExport export, TimeProvider clock, SystemEvents.SystemAudit audit)
    {
        if (from is not null && to is not null && from >= to)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["to must be later than from."] });
        }

        if (workflowId is { Length: > 100 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["workflowId"] = ["No workflow id is that long."] });
        }

        http.Response.Headers.CacheControl = "no-store";
        var name = $"consent-records-{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.zip";
        // Recorded once the whole archive is written (45 CFR 164.528: what left the service, for whom, when; 45 CFR
        // 164.312(b), 21 CFR 11.10(e)): the actor is the signed-in auditor who exported, and the manifest's SHA-256
        // pins down which records went out, each named in it by its own SHA-256.
        // An export cut off partway (the client went away) has still sent records: it is recorded too, with
        // "completed": false and no manifest (the manifest is written last), as an outside review pointed out.
        return TypedResults.Stream(async body =>
        {
            var detail = new System.Text.Json.Nodes.JsonObject
            {
                ["from"] = from?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["to"] = to?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["workflowId"] = workflowId,
                ["file"] = name,
            };
            RecordExportResult written;
            try
            {
                written = await export.WriteAsync(body, new RecordExportFilter(from, to, workflowId), http.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                detail["completed"] = false;
                audit.Record(SystemEvents.SystemEventTypes.RecordsExported, detail);
                throw;
            }

            detail["records"] = written.Records;
            detail["manifestSha256"] = written.ManifestSha256;
            audit.Record(SystemEvents.SystemEventTypes.RecordsExported, detail);
        }, "application/zip", name);
    }
}
