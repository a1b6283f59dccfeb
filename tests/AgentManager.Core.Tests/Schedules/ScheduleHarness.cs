using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Schedules;
using AgentManager.Tests.Events;
using AgentManager.Tests.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Schedules;

/// <summary>A generic host with AgentManager and schedules on a fake clock, recording every event.</summary>
internal sealed class ScheduleHarness : IAsyncDisposable
{
    /// <summary>A whole hour, so that interval series start on it.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;
    private readonly Lock _lock = new();
    private readonly List<AgentManagerEvent> _events = [];
    private readonly IAsyncDisposable _subscription;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _started;

    /// <param name="time">The clock.</param>
    /// <param name="store">The state store, else an in-memory one.</param>
    /// <param name="configure">The schedule options.</param>
    /// <param name="workRoot">The engine's work root, else a fresh temporary directory.</param>
    /// <param name="engine">The engine options.</param>
    /// <param name="plans">The plan store, else an in-memory one.</param>
    /// <param name="worker">An agent registered as <c>worker</c>, the assignee of <see cref="Plans.PlanTestKit.Item"/>.</param>
    /// <param name="agentManager">More registrations, such as agent profiles.</param>
    public ScheduleHarness(FakeTimeProvider time, IStateStore? store = null, Action<ScheduleOptions>? configure = null, string? workRoot = null, Action<AgentManagerOptions>? engine = null, ITaskPlanStore? plans = null, IAgentRunner? worker = null, Action<IAgentManagerBuilder>? agentManager = null)
    {
        Time = time;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        var builderOfAgentManager = builder.Services.AddAgentManager(o =>
        {
            o.Retry.InitialDelay = TimeSpan.Zero;
            o.Retry.JitterRatio = 0;
            o.DefaultTaskTimeout = TimeSpan.FromDays(40);
            o.WorkRoot = workRoot ?? Path.Combine(Path.GetTempPath(), "agentmanager-schedule-tests", Guid.NewGuid().ToString("N"));
            engine?.Invoke(o);
        });
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        if (plans is not null)
        {
            builder.Services.AddSingleton(plans);
        }

        if (worker is not null)
        {
            builderOfAgentManager.AddAgent("worker", worker);
        }

        agentManager?.Invoke(builderOfAgentManager);

        builderOfAgentManager.AddSchedules(configure);
        _host = builder.Build();
        Store = _host.Services.GetRequiredService<IStateStore>();
        Engine = _host.Services.GetRequiredService<IWorkflowEngine>();
        Service = _host.Services.GetRequiredService<IScheduleService>();
        Bus = _host.Services.GetRequiredService<IEventBus>();
        Plans = _host.Services.GetRequiredService<TaskPlanService>();
        _subscription = Bus.Subscribe(EventFilter.All, Record);
    }

    public FakeTimeProvider Time { get; }

    public IStateStore Store { get; }

    public IWorkflowEngine Engine { get; }

    public IScheduleService Service { get; }

    public IEventBus Bus { get; }

    public TaskPlanService Plans { get; }

    public IReadOnlyList<ScheduleEvent> ScheduleEvents
    {
        get
        {
            lock (_lock)
            {
                return [.. _events.OfType<ScheduleEvent>()];
            }
        }
    }

    public IServiceProvider Services => _host.Services;

    private ScheduleRunner Runner => _host.Services.GetServices<IHostedService>().OfType<ScheduleRunner>().Single();

    /// <summary>A schedule every hour from <see cref="T0"/> whose runs have one no-op task per id given.</summary>
    public static ScheduleDefinition Hourly(string id = "hourly", IAgentRunner? agent = null) => new()
    {
        Id = id,
        Interval = TimeSpan.FromHours(1),
        WorkflowFactory = (_, _) => ValueTask.FromResult(Workflows.EngineFixture.Workflow(agent ?? Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("work"))),
    };

    public async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    public async Task StopAsync()
    {
        if (_started)
        {
            _started = false;
            await _host.StopAsync();
        }
    }

    /// <summary>Moves the clock to <paramref name="instant"/> and returns once the runner has made a pass
    /// over the schedules at that time and every event published so far has been recorded.</summary>
    public async Task AdvanceToAsync(DateTimeOffset instant)
    {
        if (instant > Time.GetUtcNow())
        {
            Time.SetUtcNow(instant);
        }

        await SettleAsync();
    }

    /// <summary>Wakes the runner without waiting for its pass, for a pass that is to block: a runner that read the clock
    /// before a test moved it may have set its timer after the move, and would sleep through it otherwise.</summary>
    public void Wake() => _host.Services.GetRequiredService<ScheduleWake>().Signal();

    /// <summary>Returns once the runner has made a pass at the current time and every event published so
    /// far has been recorded.</summary>
    public async Task SettleAsync()
    {
        var runner = Runner;
        var begun = runner.PassesStarted;
        _host.Services.GetRequiredService<ScheduleWake>().Signal();
        await Poll.UntilAsync(() => runner.LastPassCompleted > begun, "a pass of the schedule runner");
        await DrainAsync();
    }

    /// <summary>Returns once every event published before the call has been recorded.</summary>
    public async Task DrainAsync()
    {
        var marker = new NumberedEvent(-1, "drain-" + Guid.NewGuid().ToString("N"));
        await Bus.PublishAsync(marker);
        await WaitForAsync<NumberedEvent>(e => ReferenceEquals(e, marker));
    }

    public Task<ScheduleEvent> WaitForAsync(string type, Func<ScheduleEvent, bool>? match = null) =>
        WaitForAsync<ScheduleEvent>(e => e.Type == type && (match?.Invoke(e) ?? true));

    public Task<WorkflowEvent> WaitForWorkflowAsync(string type, string workflowId) =>
        WaitForAsync<WorkflowEvent>(e => e.Type == type && e.WorkflowId == workflowId);

    public async Task<T> WaitForAsync<T>(Func<T, bool> match)
        where T : AgentManagerEvent
    {
        using var patience = new CancellationTokenSource(EventTestKit.Patience);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_events.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Gave up waiting for a matching {typeof(T).Name}; recorded: {string.Join(", ", Recorded())}");
            }
        }
    }

    private List<string> Recorded()
    {
        lock (_lock)
        {
            return [.. _events.Select(e => e is ScheduleEvent s ? $"{s.Type}({s.Occurrence:O} {s.RunWorkflowId} {s.Reason})" : $"{e.Type}({e.WorkflowId})")];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _subscription.DisposeAsync();
        _host.Dispose();
    }

    private ValueTask Record(AgentManagerEvent @event, CancellationToken cancellationToken)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _events.Add(@event);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}

/// <summary>An agent that runs until released, and tells when it has started.</summary>
internal sealed class GatedAgent : IAgentRunner
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task.WaitAsync(EventTestKit.Patience);

    public void Release() => _gate.TrySetResult();

    public async ValueTask<AgentResult> RunAsync(AgentInvocation invocation, CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return AgentResult.Success();
    }
}
