using AgentManager.Events;
using AgentManager.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentManager.Tests.Workflows;

/// <summary>The engines an <see cref="ISharedStore"/> made, each on a store instance of its own; stopped together when
/// the shared store is disposed.</summary>
internal sealed class SharedStoreEngines
{
    private readonly List<EngineFixture> _engines = [];

    /// <summary>An engine on <paramref name="store"/>, with its own clock and, optionally, its own bus and a wrapper
    /// around its store.</summary>
    public EngineFixture Add(IStateStore store, TimeProvider time, IEventBus? bus, Func<IStateStore, IStateStore>? wrap)
    {
        var fixture = new EngineFixture(
            time: time,
            store: wrap is null ? store : wrap(store),
            agents: bus is null ? null : b => b.Services.Replace(ServiceDescriptor.Singleton<IEventBus>(bus)));
        _engines.Add(fixture);
        return fixture;
    }

    public async Task DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            try
            {
                await engine.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or LeaseLostException)
            {
                // An engine whose loop a test crashed, or whose lease it took over, reports that again when it stops.
            }
        }
    }
}
