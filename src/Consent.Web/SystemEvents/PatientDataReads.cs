using System.Text.Json.Nodes;
using Consent.Web.Sessions;

namespace Consent.Web.SystemEvents;

/// <summary>Whose data an endpoint's <c>id</c> names.</summary>
public enum ReadSubject
{
    Session,
    Patient,
}

/// <summary>
/// Marks an endpoint or page that shows a patient's data to staff: every successful (2xx) GET of it is recorded as a
/// <see cref="SystemEventTypes.PatientDataRead"/> by <see cref="PatientDataReads"/> — one mechanism for the API
/// (<c>.WithMetadata(...)</c>) and the pages (the attribute on the page model) alike. 45 CFR 164.312(b), 164.528.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class PatientDataReadAttribute(string what, ReadSubject subject) : Attribute
{
    /// <summary>What is read (<see cref="SystemEventTypes.Reads"/>).</summary>
    public string What { get; } = what;

    public ReadSubject Subject { get; } = subject;
}

/// <summary>The middleware that records staff reads of patient data (<see cref="PatientDataReadAttribute"/>).</summary>
public static class PatientDataReads
{
    /// <summary>
    /// Runs after authorization, so the reader is known; records once the answer is complete. A page's named GET
    /// handler (the clinician's status poll, <c>?handler=Status</c>) is not recorded: the page load that started it was.
    /// </summary>
    public static IApplicationBuilder UsePatientDataReadAudit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var read = context.GetEndpoint()?.Metadata.GetMetadata<PatientDataReadAttribute>();
            await next(context);
            if (read is null || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                || context.Response.StatusCode is < 200 or > 299 || StaffAccess.UserId(context.User) is null
                || context.Request.Query.ContainsKey("handler"))
            {
                return;
            }

            var id = Subject(context);
            var detail = new JsonObject
            {
                ["what"] = read.What,
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value,
                ["status"] = context.Response.StatusCode,
            };
            var audit = context.RequestServices.GetRequiredService<SystemAudit>();
            audit.Record(SystemEventTypes.PatientDataRead, detail,
                patientId: read.Subject == ReadSubject.Patient ? id : null,
                sessionId: read.Subject == ReadSubject.Session ? id : null);
        });

    private static Guid? Subject(HttpContext context) =>
        context.GetRouteValue("id") is { } value && Guid.TryParse(value.ToString(), out var id) ? id : null;
}
