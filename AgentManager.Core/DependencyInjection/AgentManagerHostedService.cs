using AgentManager.Agents;
using AgentManager.Hooks;
using AgentManager.Workflows;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the engine loop for the lifetime of a generic host.</summary>
internal sealed class AgentManagerHostedService : IHostedService
{
    private readonly WorkflowEngine _engine;

    /// <summary>Takes the catalog and the hook runner only so that the host builds them when it starts: bad
    /// profile or hook files then stop the start with their typed errors instead of failing a later call.</summary>
    public AgentManagerHostedService(WorkflowEngine engine, AgentCatalog catalog, IHookRunner hooks)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(hooks);
        _engine = engine;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _engine.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _engine.StopAsync(cancellationToken);
}
