using System.Security.Claims;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Consent.Web.Sessions;

namespace Consent.Web.SystemEvents;

/// <summary>An event waiting in memory to be chained and written (<see cref="SystemAuditWriter"/>).</summary>
public sealed record SystemEventDraft(
    DateTimeOffset At, string Type, string Actor, string? ActorEmail, Guid? PatientId, Guid? SessionId, JsonObject Detail, string? Ip, string? UserAgent);

/// <summary>
/// Records staff actions and staff reads of patient data on the system audit trail (21 CFR 11.10(e) audit
/// trails; 45 CFR 164.312(b) audit controls, and the reads behind an accounting of disclosures, 164.528).
/// <see cref="Record"/> never blocks a request and never touches the database: it puts the event in a bounded
/// queue that <see cref="SystemAuditWriter"/> drains in batches onto the hash chain (docs/system-events.md).
/// </summary>
/// <remarks>
/// When the queue is full the event cannot be kept: it is counted as lost, logged at error level, and the
/// count is written onto the chain as <see cref="SystemEventTypes.EventsLost"/> as soon as there is room,
/// so a loss is never silent.
/// </remarks>
public sealed class SystemAudit
{
    /// <summary>The actor of events the service causes itself.</summary>
    public const string SystemActor = "system";

    /// <summary>The actor of a request nobody is signed in on (a sign-in attempt).</summary>
    public const string Anonymous = "anonymous";

    public const int DefaultCapacity = 10_000;

    private readonly Channel<SystemEventDraft> queue;
    private readonly TimeProvider clock;
    private readonly IHttpContextAccessor http;
    private readonly ILogger<SystemAudit> logger;
    private long lost;
    private long totalLost;

    public SystemAudit(TimeProvider clock, IHttpContextAccessor http, IConfiguration configuration, ILogger<SystemAudit> logger)
    {
        (this.clock, this.http, this.logger) = (clock, http, logger);
        Capacity = configuration.GetValue("SystemEvents:QueueCapacity", DefaultCapacity);
        queue = Channel.CreateBounded<SystemEventDraft>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite answers false when full; nothing is dropped unseen
            SingleReader = true,
        });
    }

    /// <summary>How many events the queue holds at most: the bound on what a crash can lose.</summary>
    public int Capacity { get; }

    /// <summary>Events lost since start because the queue was full (or closed, after shutdown began).</summary>
    public long LostSinceStart => Interlocked.Read(ref totalLost);

    internal ChannelReader<SystemEventDraft> Reader => queue.Reader;

    /// <summary>
    /// Records an event of the current request: who (the signed-in staff member, else <see cref="Anonymous"/>; outside
    /// a request <see cref="SystemActor"/>), from where (address, browser) and about which patient or session.
    /// </summary>
    public void Record(string type, JsonObject? detail = null, Guid? patientId = null, Guid? sessionId = null, ClaimsPrincipal? by = null)
    {
        var context = http.HttpContext;
        var user = by ?? context?.User;
        var staffId = user is null ? null : StaffAccess.UserId(user);
        var actor = staffId?.ToString("D") ?? (context is null ? SystemActor : Anonymous);
        var email = staffId is null ? null : user?.FindFirstValue(ClaimTypes.Email);
        Enqueue(type, actor, email, patientId, sessionId, detail, context);
    }

    /// <summary>Records an event done by a known account on the current request (a sign-in, before the principal exists).</summary>
    public void RecordFor(string type, Guid actor, string? actorEmail, JsonObject? detail = null) =>
        Enqueue(type, actor.ToString("D"), actorEmail, null, null, detail, http.HttpContext);

    /// <summary>An event the service itself causes, outside any request, for <see cref="SystemAuditWriter.AppendNowAsync"/>.</summary>
    public SystemEventDraft SystemDraft(string type, JsonObject detail) =>
        new(EventChain.Truncate(clock.GetUtcNow()), type, SystemActor, null, null, null, detail, null, null);

    private void Enqueue(string type, string actor, string? email, Guid? patientId, Guid? sessionId, JsonObject? detail, HttpContext? context)
    {
        var draft = new SystemEventDraft(
            EventChain.Truncate(clock.GetUtcNow()), type, actor, email, patientId, sessionId, detail ?? [],
            context?.Connection.RemoteIpAddress?.ToString(),
            context is null ? null : UserAgentText.Clean(context.Request.Headers.UserAgent.ToString()));
        if (!queue.Writer.TryWrite(draft))
        {
            Interlocked.Increment(ref lost);
            var total = Interlocked.Increment(ref totalLost);
            logger.LogError(
                "SYSTEM AUDIT LOSS: a {Type} event by {Actor} could not be queued (the queue of {Capacity} is full, or the service is stopping); {Lost} lost since start.",
                type, actor, Capacity, total);
        }
    }

    /// <summary>The events lost since the last call, for the writer to record on the chain.</summary>
    internal long TakeLost() => Interlocked.Exchange(ref lost, 0);

    /// <summary>Puts a loss count back when its notice could not be written.</summary>
    internal void ReturnLost(long count) => Interlocked.Add(ref lost, count);

    /// <summary>No more events are taken; the writer drains what is queued and stops.</summary>
    internal void Complete() => queue.Writer.TryComplete();
}
