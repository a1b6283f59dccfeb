using System.Globalization;
using AgentManager.Diagnostics;
using AgentManager.Execution;
using AgentManager.Lifecycle;

namespace AgentManager.Workflows;

/// <summary>Usage budgets: the usage agents report is added up per task and per workflow, and once a budget is
/// spent no further attempt starts.</summary>
internal sealed partial class WorkflowEngine
{
    private void AddUsage(TaskRuntime task, AgentUsage? usage)
    {
        if (usage is null || usage == AgentUsage.Zero)
        {
            return;
        }

        AgentManagerDiagnostics.RecordUsage(task.AttemptAgentId, usage);
        task.Usage = task.Usage.Add(usage);
        task.Run.Usage = task.Run.Usage.Add(usage);
        MarkDirty(task);
        MarkDirty(task.Run);
    }

    /// <summary>Names the budget that stops the task's next attempt, with the amount used, or returns
    /// <see langword="null"/>; an attempt a human granted is never stopped.</summary>
    private static string? SpentBudget(TaskRuntime task) =>
        task.GrantedByHuman ? null
        : task.Budget?.SpentBy(task.Usage) is { } own ? $"the task's budget is spent ({own})"
        : task.Run.Budget?.SpentBy(task.Run.Usage) is { } shared ? $"the workflow's budget is spent ({shared})"
        : null;

    /// <summary>Stops a task whose budget is spent before its next attempt: blocked for a human when its policy has
    /// L4, failed otherwise (its dependents are cancelled).</summary>
    private void StopForBudget(TaskRuntime task, string spent, string? error)
    {
        var after = error is null ? "." : $" after {task.Attempt} attempt(s): {error}";
        if (task.Repair.BlockForHuman)
        {
            BlockForHuman(task, string.Create(CultureInfo.InvariantCulture, $"L4 human: {spent}; no further attempt starts{after}"));
        }
        else
        {
            GiveUp(task, string.Create(CultureInfo.InvariantCulture, $"Stopped: {spent}; no further attempt starts{after}"));
        }
    }

    /// <summary>Checks a ready task taken from the queue: when a budget is spent it is stopped instead of started.</summary>
    private bool StopsForBudget(TaskRuntime task)
    {
        if (SpentBudget(task) is not { } spent)
        {
            return false;
        }

        StopForBudget(task, spent, task.Attempt == 0 ? null : task.LastError);
        CheckFinished(task.Run);
        return true;
    }
}
