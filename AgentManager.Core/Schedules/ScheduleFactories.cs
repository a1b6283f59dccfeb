using System.Collections.Concurrent;
using AgentManager.Workflows;

namespace AgentManager.Schedules;

/// <summary>The workflow factories of code-defined schedules, by schedule id; they live in this process only.</summary>
internal sealed class ScheduleFactories
{
    private readonly ConcurrentDictionary<string, Func<ScheduleFiring, CancellationToken, ValueTask<WorkflowDefinition>>> _factories = new(StringComparer.Ordinal);

    public void Set(ScheduleDefinition definition)
    {
        if (definition.WorkflowFactory is { } factory)
        {
            _factories[definition.Id] = factory;
        }
        else
        {
            _factories.TryRemove(definition.Id, out _);
        }
    }

    public void Remove(string scheduleId) => _factories.TryRemove(scheduleId, out _);

    public Func<ScheduleFiring, CancellationToken, ValueTask<WorkflowDefinition>>? Find(string scheduleId) =>
        _factories.GetValueOrDefault(scheduleId);
}
