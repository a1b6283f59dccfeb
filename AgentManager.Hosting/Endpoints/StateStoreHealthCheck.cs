using AgentManager.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentManager.Hosting.Endpoints;

/// <summary>Ready when the state store answers a read.</summary>
internal sealed class StateStoreHealthCheck(IStateStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ReadEventsAsync(new EventLogQuery { Limit = 1, NewestFirst = true }, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The state store answers.");
        }
#pragma warning disable CA1031 // Any failure of the store means not ready; the reason is reported, not thrown.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"The state store cannot be read: {exception.Message}");
        }
    }
}
