using System.Globalization;
using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Workflows;

/// <summary>Human deadlines: a task blocked for a human whose policy sets <see cref="RepairPolicy.HumanDeadline"/>
/// gets a persisted deadline; when it passes the engine applies <see cref="RepairPolicy.DeadlineAction"/>.</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>Sets the deadline of a task that is being blocked, unless a passed deadline already retried it.</summary>
    private void SetDeadline(TaskRuntime task)
    {
        task.DeadlineAt = task.Repair.HumanDeadline is { } wait && !task.DeadlineRetried ? _time.GetUtcNow() + wait : null;
        ArmDeadline(task);
    }

    /// <summary>Starts the deadline's timer; a deadline that passed while no engine ran falls due at once.</summary>
    private void ArmDeadline(TaskRuntime task)
    {
        task.DeadlineTimer?.Dispose();
        task.DeadlineTimer = null;
        if (task.DeadlineAt is not { } deadline)
        {
            return;
        }

        var due = deadline - _time.GetUtcNow();
        task.DeadlineTimer = _time.CreateTimer(_ => Post(new DeadlineDueCommand(task, deadline)), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private static void ClearDeadline(TaskRuntime task)
    {
        task.DeadlineTimer?.Dispose();
        task.DeadlineTimer = null;
        task.DeadlineAt = null;
    }

    private void OnDeadlineDue(DeadlineDueCommand command)
    {
        var task = command.Task;
        if (task.State != TaskState.BlockedHitl || task.DeadlineAt != command.Deadline || task.Run.CancelRequested)
        {
            return;
        }

        var action = task.Repair.DeadlineAction;
        var reason = string.Create(CultureInfo.InvariantCulture, $"No human decided before the deadline {command.Deadline:u}; the deadline's action is {action.ToString().ToLowerInvariant()}.");
        _changes.Events.Add(new HumanInboxEvent(EventTypes.HumanDeadlinePassed, task.Run.Id, task.Id, TurnTime, reason));
        EngineLog.HumanDeadlinePassed(_logger, task.Run.Id, task.Id, action);
        switch (action)
        {
            case DeadlineAction.Retry:
                task.DeadlineRetried = true;
                (task.Level, task.LevelAttempts, task.CurrentAgentId, task.CurrentRunner) = (RepairLevel.Human, 0, null, null);
                MakeReady(task, TaskTrigger.Retry, reason);
                break;
            case DeadlineAction.Cancel:
                task.LastError = reason;
                Fire(task, TaskTrigger.Cancel, reason);
                CancelDescendants(task, $"Dependency '{task.Id}' was cancelled: its deadline passed.");
                break;
            default:
                GiveUp(task, reason);
                break;
        }

        CheckFinished(task.Run);
    }
}
