using AgentManager.Agents;
using AgentManager.Hooks;
using AgentManager.Plans;
using AgentManager.Tests.Hooks;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Plans;

internal static class PlanTestKit
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An item that is ready to confirm against the built-in catalog (assignee <c>worker</c>).</summary>
    public static PlanItem Item(string id, params string[] dependencies) => new()
    {
        Id = id,
        Title = "Do " + id,
        Dependencies = dependencies,
        Assignee = "worker",
        Verification = "true",
    };

    public static NewTaskPlan Plan(string planId, params PlanItem[] items) => new() { PlanId = planId, Items = items };
}

/// <summary>A plan service over the in-memory store, a real event bus that records, real hook processes, the
/// built-in agent catalog and a fake clock.</summary>
internal sealed class PlanHarness : IAsyncDisposable
{
    public PlanHarness(IHookRunner? hooks = null, Func<TaskPlan, CancellationToken, ValueTask<bool>>? isWorkflowRunning = null, params HookDefinition[] hookDefinitions)
    {
        Time = new FakeTimeProvider(PlanTestKit.Start);
        HookRunner = hooks ?? new HookRunner(
            Microsoft.Extensions.Options.Options.Create(HookHarness.Enabled(hookDefinitions)),
            Events.Bus,
            TimeProvider.System);
        Service = new TaskPlanService(Store, AgentCatalog.CreateDefault(), HookRunner, Events.Bus, Time, isWorkflowRunning);
    }

    public PlanHarness(params HookDefinition[] hookDefinitions)
        : this(null, null, hookDefinitions)
    {
    }

    public FakeTimeProvider Time { get; }

    public InMemoryTaskPlanStore Store { get; } = new();

    public RecordingBus Events { get; } = new();

    public IHookRunner HookRunner { get; }

    public TaskPlanService Service { get; }

    public async Task<IReadOnlyList<string>> EventTypesAsync() => [.. (await Events.DeliveredAsync()).Select(e => e.Type)];

    public ValueTask DisposeAsync() => Events.DisposeAsync();
}
