using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;

namespace AgentManager.Tests.Workflows;

/// <summary>One durable store that several engines share, each with a store instance of its own, as processes would.</summary>
internal interface ISharedStore : IAsyncDisposable
{
    /// <summary>A store instance of its own.</summary>
    IStateStore Open();

    /// <summary>A plan store of its own over the same database.</summary>
    ITaskPlanStore OpenPlans();

    /// <summary>An engine on a store instance of its own, with its own clock and, optionally, its own bus and a
    /// wrapper around its store.</summary>
    EngineFixture Engine(TimeProvider time, IEventBus? bus = null, Func<IStateStore, IStateStore>? wrap = null);
}
