using System.Text.Json.Nodes;
using Consent.Web.Sessions;

namespace Consent.Web.SystemEvents;

/// <summary>Whose data an endpoint's <c>id</c> names.</summary>
public enum ReadSubject
{
    Session,
    Patient,

    /// <summary>A list or a search: many patients' data, or the one a lookup finds; no single <c>id</c> in the route.</summary>
    Many,
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

    /// <summary>A search or lookup sent as a POST (its criteria in the body) reads too: record its successful POSTs as well.</summary>
    public bool ReadsByPost { get; init; }

    /// <summary>
    /// Registering a patient or starting a session with details whose MRN is already another patient's answers 409 naming
    /// that patient: only that answer is a read (the creations are on the trail as what they are).
    /// </summary>
    public bool ReadsOnConflictOnly { get; init; }
}

/// <summary>The middleware that records staff reads of patient data (<see cref="PatientDataReadAttribute"/>).</summary>
public static class PatientDataReads
{
    /// <summary>
    /// The setting that turns the recording of reads off, to measure what it costs (benchmarks/reads/run.sh): honoured
    /// in Development only. Everywhere else every staff read of patient data is recorded whatever it says
    /// (45 CFR 164.312(b), 21 CFR 11.10(e)), and start-up logs a warning that it was ignored.
    /// </summary>
    public const string RecordSetting = "SystemEvents:RecordPatientDataReads";

    /// <summary>Whether reads are recorded: <see cref="RecordSetting"/> (default true) in Development, always elsewhere.</summary>
    public static bool Recorded(IConfiguration configuration, IHostEnvironment environment, ILogger logger)
    {
        if (configuration.GetValue(RecordSetting, true))
        {
            return true;
        }

        if (environment.IsDevelopment())
        {
            logger.LogWarning("Staff reads of patient data are NOT recorded on the system audit trail ({Setting} is false; Development only, for measuring their cost).", RecordSetting);
            return false;
        }

        logger.LogWarning("{Setting} is false but is ignored outside Development: every staff read of patient data is recorded (45 CFR 164.312(b)). Remove the setting.", RecordSetting);
        return true;
    }

    /// <summary>
    /// Runs after authorization, so the reader is known; records once the answer is complete. A page's named GET
    /// handler (the clinician's status poll, <c>?handler=Status</c>) is not recorded: the page load that started it was.
    /// Not added at all when <see cref="Recorded"/> says reads are not recorded (Development only).
    /// </summary>
    public static IApplicationBuilder UsePatientDataReadAudit(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        if (!Recorded(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Consent.Startup")))
        {
            return app;
        }

        var recent = new RecentPageReads(services.GetRequiredService<TimeProvider>());
        return app.Use(async (context, next) =>
        {
            var read = context.GetEndpoint()?.Metadata.GetMetadata<PatientDataReadAttribute>();
            await next(context);
            if (read is null)
            {
                return;
            }


            // A page's post that answers 2xx rendered the page again, with what it shows (a search, a form sent back with
            // its errors), and so does one that answers 400 with the page and its errors (the check-ins page does); one that
            // acted answers with a redirect, and the action is on the trail in its own right.
            var page = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null;
            var shown = context.Response.StatusCode is >= 200 and <= 299
                || (page && context.Response.StatusCode == StatusCodes.Status400BadRequest
                    && context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true);
            if (context.Items.TryGetValue(ConflictItem, out var named) && named is Guid holder
                && (context.Response.StatusCode == StatusCodes.Status409Conflict || (page && shown)) && StaffAccess.UserId(context.User) is not null)
            {
                // A conflict that names the patient who holds the MRN sent (the API's 409, or a page shown again with it): a read
                // of that patient, whatever the endpoint reads otherwise.
                context.RequestServices.GetRequiredService<SystemAudit>().Record(SystemEventTypes.PatientDataRead, new JsonObject
                {
                    ["what"] = SystemEventTypes.Reads.MrnConflict,
                    ["method"] = context.Request.Method,
                    ["path"] = context.Request.Path.Value,
                    ["status"] = context.Response.StatusCode,
                }, patientId: holder);
                return;
            }

            if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                    || ((read.ReadsByPost || page) && HttpMethods.IsPost(context.Request.Method)))
                || (read.ReadsOnConflictOnly ? context.Response.StatusCode != StatusCodes.Status409Conflict : !shown)
                || StaffAccess.UserId(context.User) is not { } reader)
            {
                return;
            }

            // A page's own status poll repeats what its load showed, every few seconds: it is recorded only when this
            // reader has not had that page recorded in the last RecentPageReads.Window on this node, so a poll called
            // without its page (an outside review did) is on the trail too, without a row every few seconds.
            var poll = IsStatusPoll(context);
            if (!recent.Note(reader, context.Request.Path.Value ?? "", onlyIfStale: poll))
            {
                return;
            }

            var id = Subject(context);
            // A page about one patient named in its query (the start page from a patient's page) reads only when it names one.
            if (read.Subject == ReadSubject.Patient && id is null)
            {
                return;
            }

            var detail = new JsonObject
            {
                ["what"] = read.What,
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value,
                ["status"] = context.Response.StatusCode,
            };
            if (poll)
            {
                detail["poll"] = true;
            }

            if (read.Subject == ReadSubject.Many && context.Request.QueryString.Value is { Length: > 1 } query)
            {
                // What a list was narrowed by (a search box's text, a filter): part of what was shown.
                detail["query"] = query.Length > 256 ? query[..256] : query;
            }

            var audit = context.RequestServices.GetRequiredService<SystemAudit>();
            audit.Record(SystemEventTypes.PatientDataRead, detail,
                // A list or lookup that showed one patient it named (the gate lookup) is a read of that patient.
                patientId: read.Subject == ReadSubject.Patient ? id : context.Items.TryGetValue(SubjectItem, out var one) && one is Guid only ? only : null,
                sessionId: read.Subject == ReadSubject.Session ? id : null);
        });
    }

    private static readonly object StatusPollItem = new();

    /// <summary>
    /// Marks the answer as a page's own status poll, which its page load was recorded before; called by the status handler
    /// itself. A page without one renders in full for <c>?handler=Status</c> (the third outside review hid whole patient and
    /// audit pages that way), so the query string alone never exempts a read.
    /// </summary>
    public static T StatusPoll<T>(HttpContext context, T result)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[StatusPollItem] = true;
        return result;
    }

    private static bool IsStatusPoll(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null
        && context.Items.ContainsKey(StatusPollItem);

    private static readonly object SubjectItem = new();

    private static readonly object ConflictItem = new();

    /// <summary>
    /// Notes the patient a refusal names (<c>patientId</c>: the holder of the MRN a registration, a start or a correction
    /// sent), so the 409 that shows them is recorded as a read of that patient (an outside re-check found such reads
    /// recorded without the patient, and a correction's not at all). Returns the outcome as it was.
    /// </summary>
    public static UseCases.Outcome<T> NamedInConflict<T>(HttpContext context, UseCases.Outcome<T> outcome)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (outcome is UseCases.Outcome<T>.Refused { Refusal: { Kind: UseCases.RefusedAs.Conflict, Extensions: { } extensions } }
            && extensions.TryGetValue("patientId", out var named) && named is Guid holder)
        {
            context.Items[ConflictItem] = holder;
        }

        return outcome;
    }

    /// <summary>
    /// Names the patient a page showed, when the page took them from its form or query rather than its route (the start
    /// page for a registered patient): the read is recorded against the patient shown, whatever else the request carried.
    /// </summary>
    public static void Showed(HttpContext context, Guid patientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[SubjectItem] = patientId;
    }

    private static Guid? Subject(HttpContext context) =>
        context.Items.TryGetValue(SubjectItem, out var shown) && shown is Guid patient ? patient
        : context.GetRouteValue("id")?.ToString() is { } value && Guid.TryParse(value, out var id) ? id : null;
}

/// <summary>When each reader last had each page path recorded, on this node, for <see cref="PatientDataReads"/>' status-poll rule.</summary>
internal sealed class RecentPageReads(TimeProvider clock)
{
    /// <summary>How long a recorded page covers its own status polls.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid Reader, string Path), DateTimeOffset> last = new();

    /// <summary>
    /// Notes a read of <paramref name="path"/> by <paramref name="reader"/> now; true when it is to be recorded: always, unless
    /// <paramref name="onlyIfStale"/> and the same was noted within <see cref="Window"/>.
    /// </summary>
    public bool Note(Guid reader, string path, bool onlyIfStale)
    {
        var now = clock.GetUtcNow();
        var key = (reader, path);
        if (onlyIfStale && last.TryGetValue(key, out var at) && now - at < Window)
        {
            return false;
        }

        last[key] = now;
        if (last.Count > 50_000)
        {
            foreach (var old in last.Where(e => now - e.Value >= Window).Select(e => e.Key).ToList())
            {
                last.TryRemove(old, out _);
            }
        }

        return true;
    }
}
