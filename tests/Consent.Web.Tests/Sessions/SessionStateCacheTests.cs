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
}
