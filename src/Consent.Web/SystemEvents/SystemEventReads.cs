using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SystemEvents;

/// <summary>What to list of the system events: a half-open time range, a type, an actor.</summary>
public sealed record SystemEventFilter(DateTimeOffset? From, DateTimeOffset? To, string? Type, string? Actor, int Limit);

/// <summary>One system event as the API answers it.</summary>
public sealed record SystemEventView(
    long Seq, DateTimeOffset At, string Type, string Actor, string? ActorEmail, Guid? PatientId, Guid? SessionId, JsonNode? Detail,
    string? Ip, string? UserAgent, string PrevHash, string Hash)
{
    public static SystemEventView From(SystemEvent e) =>
        new(e.Seq, e.At, e.Type, e.Actor, e.ActorEmail, e.PatientId, e.SessionId, JsonNode.Parse(e.Detail), e.Ip, e.UserAgent, e.PrevHash, e.Hash);
}

/// <summary>The whole system chain verified, and the events the filter asked for (like a session's <c>/events</c>).</summary>
public sealed record SystemEventsAnswer(bool Verified, long? BrokenAtSeq, string? Problem, long EventsChecked, IReadOnlyList<SystemEventView> Events);

/// <summary>The verification of the whole system chain (the <c>audit</c> command reports it).</summary>
public sealed record SystemChainCheck(bool Verified, long? BrokenAtSeq, string? Problem, long EventsChecked);

/// <summary>A read of a patient's data, for the "who has seen this" panel.</summary>
public sealed record PatientDataReadView(DateTimeOffset At, string Actor, string? ActorEmail, string What, string? Path, Guid? SessionId);

/// <summary>The latest reads of one patient's or session's data, and how many there are in all.</summary>
public sealed record PatientDataReadsPanel(int Total, IReadOnlyList<PatientDataReadView> Latest);

/// <summary>Reads the system audit trail: verifies its chain, lists its events, and who has read a patient's data.</summary>
public sealed class SystemEventReads(ConsentDbContext db)
{
    public const int PanelSize = 20;

    public const int MaxLimit = 5000;

    /// <summary>Walks the whole chain in seq order, streaming, without holding it in memory.</summary>
    public async Task<SystemChainCheck> VerifyAsync(CancellationToken ct)
    {
        var verifier = new SystemEventChain.Verifier();
        await foreach (var e in db.SystemEvents.AsNoTracking().OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!verifier.Add(e))
            {
                break;
            }
        }

        return new SystemChainCheck(verifier.Verified, verifier.BrokenAtSeq, verifier.Problem, verifier.Checked);
    }

    /// <summary>The chain verified and the filtered events, in one snapshot so both see the same chain.</summary>
    public async Task<SystemEventsAnswer> ListAsync(SystemEventFilter filter, CancellationToken ct)
    {
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var check = await VerifyAsync(ct);
        var query = db.SystemEvents.AsNoTracking();
        if (filter.From is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(e => e.At < to);
        }

        if (filter.Type is { } type)
        {
            query = query.Where(e => e.Type == type);
        }

        if (filter.Actor is { } actor)
        {
            query = query.Where(e => e.Actor == actor);
        }

        var events = await query.OrderBy(e => e.Seq).Take(filter.Limit).ToListAsync(ct);
        await snapshot.CommitAsync(ct);
        return new SystemEventsAnswer(check.Verified, check.BrokenAtSeq, check.Problem, check.EventsChecked, [.. events.Select(SystemEventView.From)]);
    }

    /// <summary>Who has read this patient's data (any of their sessions included): the latest <see cref="PanelSize"/> and the count.</summary>
    public Task<PatientDataReadsPanel> ReadsOfPatientAsync(Guid patientId, CancellationToken ct) =>
        PanelAsync(db.SystemEvents.AsNoTracking().Where(e => e.Type == SystemEventTypes.PatientDataRead && e.PatientId == patientId), ct);

    /// <summary>Who has read this session's data.</summary>
    public Task<PatientDataReadsPanel> ReadsOfSessionAsync(Guid sessionId, CancellationToken ct) =>
        PanelAsync(db.SystemEvents.AsNoTracking().Where(e => e.Type == SystemEventTypes.PatientDataRead && e.SessionId == sessionId), ct);

    private static async Task<PatientDataReadsPanel> PanelAsync(IQueryable<SystemEvent> reads, CancellationToken ct)
    {
        var total = await reads.CountAsync(ct);
        var latest = await reads.OrderByDescending(e => e.Seq).Take(PanelSize).ToListAsync(ct);
        return new PatientDataReadsPanel(total, [.. latest.Select(e =>
        {
            var detail = JsonNode.Parse(e.Detail) as JsonObject;
            return new PatientDataReadView(e.At, e.Actor, e.ActorEmail, detail?["what"]?.GetValue<string>() ?? "", detail?["path"]?.GetValue<string>(), e.SessionId);
        })]);
    }
}
