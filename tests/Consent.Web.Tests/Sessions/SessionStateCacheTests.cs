using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Sessions;

/// <summary>The replayed-state cache: used only for the exact row it was built from, and bounded in size.</summary>
public sealed class SessionStateCacheTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Hash = "3d145f0d165866b9b5ee9dc4acc07f5683aa8ad3313d1d58604626ab94c7a533";

    private LoadedWorkflow Workflow => factory.Services.GetRequiredService<WorkflowRegistry>().Find("ketamine-iv-depression", 1)!;

    [Fact]
    public void AState_IsFound_OnlyForTheSequenceNumberAndHashItWasBuiltFrom()
    {
        using var cache = new SessionStateCache(1000);
        var id = Guid.NewGuid();
        var state = SessionState.Empty with { Language = "es" };
        cache.Remember(Workflow, id, 7, Hash, state);

        Assert.Same(state, cache.Find(Workflow, id, 7, Hash));
        Assert.Null(cache.Find(Workflow, id, 8, Hash));
        Assert.Null(cache.Find(Workflow, id, 7, new string('0', 64)));
        Assert.Null(cache.Find(Workflow, Guid.NewGuid(), 7, Hash));
    }

    /// <summary>The bound counts events: states of 60 events each do not both fit in 100.</summary>
    [Fact]
    public void TheCache_NeverHoldsMoreEventsThanItsBound()
    {
        using var cache = new SessionStateCache(100);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        cache.Remember(Workflow, first, 60, Hash, SessionState.Empty);
        cache.Remember(Workflow, second, 60, Hash, SessionState.Empty);

        var held = new[] { first, second }.Count(id => cache.Find(Workflow, id, 60, Hash) is not null);
        Assert.Equal(1, held);
    }

    [Fact]
    public void ABoundOfZero_TurnsTheCacheOff()
    {
        using var cache = new SessionStateCache(0);
        var id = Guid.NewGuid();
        cache.Remember(Workflow, id, 3, Hash, SessionState.Empty);
        Assert.Null(cache.Find(Workflow, id, 3, Hash));
    }

    /// <summary>The committed row is kept as a copy of every column (a column missed would be written back wrong by the next write).</summary>
    [Fact]
    public void AWritableRow_IsACopyOfEveryPropertyOfTheCommittedRow()
    {
        using var cache = new SessionStateCache(1000);
        var row = new ConsentSession
        {
            Id = Guid.NewGuid(), WorkflowId = "w", WorkflowVersion = 3, WorkflowHash = "wh", Language = "es", PatientId = Guid.NewGuid(),
            Status = "InProgress", PatientName = "n", PatientDateOfBirth = new DateOnly(1970, 1, 2), PatientMrn = "m", PatientEmail = "e@example.org",
            LinkTokenHash = "l", ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(1), CreatedBy = Guid.NewGuid(), CreatedAt = DateTimeOffset.UnixEpoch.AddDays(2),
            UpdatedAt = DateTimeOffset.UnixEpoch.AddDays(3), CompletedAt = DateTimeOffset.UnixEpoch.AddDays(4), LastSeq = 7, LastHash = Hash, RowVersion = 99,
        };
        foreach (var property in typeof(ConsentSession).GetProperties())
        {
            Assert.NotEqual(property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null, property.GetValue(row));
        }

        cache.Remember(Workflow, row.Id, row.LastSeq, row.LastHash, SessionState.Empty, row);
        row.Status = "Changed after it was remembered";
        var found = cache.FindWritable(row.Id);

        Assert.NotNull(found);
        Assert.NotSame(row, found.Row);
        row.Status = "InProgress";
        foreach (var property in typeof(ConsentSession).GetProperties())
        {
            Assert.Equal(property.GetValue(row), property.GetValue(found.Row));
        }

        Assert.Null(cache.FindWritable(Guid.NewGuid()));
        cache.Remember(Workflow, row.Id, row.LastSeq, row.LastHash, SessionState.Empty);
        Assert.Null(cache.FindWritable(row.Id));
    }
}
