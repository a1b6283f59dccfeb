using System.Globalization;
using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>The repair ladder: what follows a failed attempt (L1 retry, L2 repair agent, L3 escalation agent,
/// L4 block for a human, else give up).</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>Decides what follows a failed attempt of a task in <see cref="TaskState.BlockedRepair"/>: another
    /// attempt on the same level while it has some left, else the next level its policy switches on, else failure
    /// and the cancellation of its dependents.</summary>
    private void ClimbLadder(TaskRuntime task, string error)
    {
        if (task.Run.CancelRequested)
        {
            GiveUp(task, $"Failed after {task.Attempt} attempt(s): {error}");
            return;
        }

        if (SpentBudget(task) is { } spent)
        {
            StopForBudget(task, spent, error);
            return;
        }

        if (task.LevelAttempts < AttemptsAllowed(task))
        {
            RetryOnLevel(task, error);
            return;
        }

        switch (NextLevel(task))
        {
            case RepairLevel.Repair:
                Escalate(task, RepairLevel.Repair, task.RepairRunner!, error);
                break;
            case RepairLevel.Escalation:
                Escalate(task, RepairLevel.Escalation, task.EscalationRunner!, error);
                break;
            case RepairLevel.Human:
                BlockForHuman(task, $"L4 human: blocked for a human after {task.Attempt} failed attempt(s): {error}");
                break;
            default:
                GiveUp(task, $"Failed after {task.Attempt} attempt(s): {error}");
                break;
        }
    }

    /// <summary>How many attempts the task's current level allows: a human retry grants one.</summary>
    private static int AttemptsAllowed(TaskRuntime task) => task.Level switch
    {
        RepairLevel.Retry => task.MaxAttempts,
        RepairLevel.Repair => task.Repair.RepairAttempts,
        RepairLevel.Escalation => task.Repair.EscalationAttempts,
        _ => 1,
    };

    /// <summary>The first level after the current one that the policy switches on; a task that failed again after
    /// a human's retry goes back to the human.</summary>
    private static RepairLevel? NextLevel(TaskRuntime task)
    {
        for (var level = task.Level + 1; level <= RepairLevel.Human; level++)
        {
            if (task.Repair.Uses(level) && (level == RepairLevel.Human || RunnerOf(task, level) is not null))
            {
                return level;
            }
        }

        return task.Level == RepairLevel.Human && task.Repair.BlockForHuman ? RepairLevel.Human : null;
    }

    private static Execution.IAgentRunner? RunnerOf(TaskRuntime task, RepairLevel level) => level switch
    {
        RepairLevel.Repair => task.RepairRunner,
        RepairLevel.Escalation => task.EscalationRunner,
        _ => null,
    };

    private void RetryOnLevel(TaskRuntime task, string error)
    {
        AgentManagerDiagnostics.Retried.Add(1);
        var delay = _options.Retry.GetDelay(Math.Max(1, task.LevelAttempts), Random.Shared.NextDouble());
        if (delay <= TimeSpan.Zero)
        {
            MakeReady(task, TaskTrigger.Retry, RetryReason(task, error));
        }
        else
        {
            ArmRetry(task, delay);
        }
    }

    /// <summary>Posts the task's retry once <paramref name="delay"/> has passed. A method of its own, so that a retry
    /// without backoff does not pay for the timer callback's closure (made on entry to the method that captures).</summary>
    private void ArmRetry(TaskRuntime task, TimeSpan delay)
    {
        var attempt = task.Attempt;
        task.RetryTimer = _time.CreateTimer(_ => Post(new RetryDueCommand(task, attempt)), null, delay, Timeout.InfiniteTimeSpan);
    }

    private static string RetryReason(TaskRuntime task, string? error) => task.Level == RepairLevel.Retry
        ? $"Attempt {task.LevelAttempts + 1} of {task.MaxAttempts} after: {error}"
        : $"L{(int)task.Level} {task.Level.ToWireName()}: attempt {task.LevelAttempts + 1} of {AttemptsAllowed(task)} by agent '{task.AttemptAgentId}' after: {error}";

    /// <summary>Hands the task to the agent of L2 or L3: recorded as a <c>retry</c> naming the level and the agent,
    /// and announced by <c>task_escalated</c>.</summary>
    private void Escalate(TaskRuntime task, RepairLevel level, Execution.IAgentRunner runner, string error)
    {
        var agentId = task.Repair.AgentOf(level)!;
        task.Level = level;
        task.LevelAttempts = 0;
        task.CurrentAgentId = agentId;
        task.CurrentRunner = runner;
        var reason = string.Create(CultureInfo.InvariantCulture, $"L{(int)level} {level.ToWireName()}: agent '{agentId}' takes over after {task.Attempt} failed attempt(s): {error}");
        AgentManagerDiagnostics.Retried.Add(1);
        _changes.Events.Add(new TaskEscalatedEvent(task.Run.Id, task.Id, level, agentId, TurnTime, reason));
        EngineLog.TaskEscalated(_logger, task.Run.Id, task.Id, level, agentId);
        MakeReady(task, TaskTrigger.Retry, reason);
    }

    /// <summary>L4: blocks the task until a human decides; only its own dependents wait, the rest of the workflow
    /// goes on.</summary>
    private void BlockForHuman(TaskRuntime task, string reason)
    {
        task.Level = RepairLevel.Human;
        task.LevelAttempts = 0;
        task.CurrentAgentId = null;
        task.CurrentRunner = null;
        _changes.Events.Add(new TaskEscalatedEvent(task.Run.Id, task.Id, RepairLevel.Human, null, TurnTime, reason));
        EngineLog.TaskBlockedForHuman(_logger, task.Run.Id, task.Id);
        Fire(task, TaskTrigger.Block, reason);
        SetDeadline(task);
    }

    /// <summary>Fails the task for good and cancels every task that depends on it, directly or not.</summary>
    private void GiveUp(TaskRuntime task, string reason)
    {
        task.LastError = reason;
        Fire(task, TaskTrigger.GiveUp, reason);
        AgentManagerDiagnostics.Failed.Add(1);
        CancelDescendants(task, $"Dependency '{task.Id}' failed.");
    }

    private void CancelDescendants(TaskRuntime task, string reason)
    {
        var run = task.Run;
        _indexBuffer.Clear();
        run.Graph.CollectDescendants(task.Index, _indexBuffer);
        foreach (var index in _indexBuffer)
        {
            var dependent = run.TasksByIndex[index];
            if (!dependent.State.IsTerminal())
            {
                CancelTask(dependent, reason);
            }
        }
    }

    /// <summary>Puts a resumed task back on the ladder level its record names, with that level's agent from the
    /// definition it was resumed with.</summary>
    private static void RestoreLadder(TaskRuntime task, TaskRecord record)
    {
        task.Level = record.Level;
        task.LevelAttempts = record.LevelAttempts;
        task.DeadlineAt = record.DeadlineAt;
        task.Usage = record.Usage;
        if (RunnerOf(task, record.Level) is { } runner)
        {
            task.CurrentAgentId = task.Repair.AgentOf(record.Level);
            task.CurrentRunner = runner;
        }
    }
}
