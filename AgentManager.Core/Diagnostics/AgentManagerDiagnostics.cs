using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentManager.Diagnostics;

/// <summary>Names of the traces and metrics AgentManager emits, for OpenTelemetry registration
/// (<c>AddSource(AgentManagerDiagnostics.ActivitySourceName)</c>, <c>AddMeter(AgentManagerDiagnostics.MeterName)</c>).</summary>
public static class AgentManagerDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>: a span per workflow run and per task attempt.</summary>
    public const string ActivitySourceName = "AgentManager";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "AgentManager";

    /// <summary>Counter of task attempts started.</summary>
    public const string TasksStarted = "agentmanager.tasks.started";

    /// <summary>Counter of tasks completed.</summary>
    public const string TasksCompleted = "agentmanager.tasks.completed";

    /// <summary>Counter of tasks failed for good.</summary>
    public const string TasksFailed = "agentmanager.tasks.failed";

    /// <summary>Counter of failed attempts that were retried.</summary>
    public const string TasksRetried = "agentmanager.tasks.retried";

    /// <summary>Up-down counter of task attempts running now.</summary>
    public const string TasksRunning = "agentmanager.tasks.running";

    /// <summary>Histogram of task attempt durations, in seconds.</summary>
    public const string TaskDuration = "agentmanager.task.duration";

    /// <summary>Counter of the tokens agents reported (<c>AgentResult.Usage</c>), tagged with the agent
    /// (<see cref="AgentIdTag"/>) and the token type (<see cref="TokenTypeTag"/>: <c>input</c> or <c>output</c>).</summary>
    public const string AgentTokens = "agentmanager.agent.tokens";

    /// <summary>Counter of the cost agents reported, in the host's currency, tagged with the agent (<see cref="AgentIdTag"/>).</summary>
    public const string AgentCost = "agentmanager.agent.cost";

    /// <summary>The tag that names the agent that ran the attempt (the repair or escalation agent on those rungs).</summary>
    public const string AgentIdTag = "agentmanager.agent.id";

    /// <summary>The tag that tells input from output tokens, as OpenTelemetry's generative AI conventions name it.</summary>
    public const string TokenTypeTag = "gen_ai.token.type";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, typeof(AgentManagerDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(MeterName, typeof(AgentManagerDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Started = Meter.CreateCounter<long>(TasksStarted, "{attempt}", "Task attempts started.");

    internal static readonly Counter<long> Completed = Meter.CreateCounter<long>(TasksCompleted, "{task}", "Tasks completed.");

    internal static readonly Counter<long> Failed = Meter.CreateCounter<long>(TasksFailed, "{task}", "Tasks failed after their attempts ran out.");

    internal static readonly Counter<long> Retried = Meter.CreateCounter<long>(TasksRetried, "{attempt}", "Failed attempts scheduled for a retry.");

    internal static readonly UpDownCounter<long> Running = Meter.CreateUpDownCounter<long>(TasksRunning, "{attempt}", "Task attempts running now.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(TaskDuration, "s", "Duration of task attempts.");

    internal static readonly Counter<long> Tokens = Meter.CreateCounter<long>(AgentTokens, "{token}", "Tokens the agents reported.");

    internal static readonly Counter<double> Cost = Meter.CreateCounter<double>(AgentCost, "{cost}", "Cost the agents reported, in the host's currency.");

    /// <summary>Counts what one attempt's agent reported it consumed.</summary>
    internal static void RecordUsage(string agentId, AgentManager.Execution.AgentUsage usage)
    {
        var agent = new KeyValuePair<string, object?>(AgentIdTag, agentId);
        if (usage.InputTokens > 0)
        {
            Tokens.Add(usage.InputTokens, agent, new KeyValuePair<string, object?>(TokenTypeTag, "input"));
        }

        if (usage.OutputTokens > 0)
        {
            Tokens.Add(usage.OutputTokens, agent, new KeyValuePair<string, object?>(TokenTypeTag, "output"));
        }

        if (usage.Cost > 0)
        {
            Cost.Add((double)usage.Cost, agent);
        }
    }

    /// <summary>Starts a span without making it the ambient <see cref="Activity.Current"/> of the caller.</summary>
    internal static Activity? StartDetached(string name, ActivityContext parent = default)
    {
        var previous = Activity.Current;
        var activity = ActivitySource.StartActivity(name, ActivityKind.Internal, parent);
        Activity.Current = previous;
        return activity;
    }
}
