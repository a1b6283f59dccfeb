using System.Text;

namespace AgentManager.Lifecycle;

/// <summary>Raised when a trigger is not allowed in a task's current state.</summary>
/// <remarks>The message names the task, both states and the trigger, and lists the triggers that the
/// current state does allow.</remarks>
public sealed class InvalidTransitionException : AgentManagerException
{
    /// <summary>Creates the exception for a refused move.</summary>
    /// <param name="taskId">The task that could not move.</param>
    /// <param name="from">The task's current state.</param>
    /// <param name="trigger">The refused trigger.</param>
    public InvalidTransitionException(string taskId, TaskState from, TaskTrigger trigger)
        : base(Describe(taskId, from, trigger))
    {
        TaskId = taskId;
        From = from;
        To = TaskLifecycle.DestinationOf(trigger);
        Trigger = trigger;
    }

    /// <summary>Gets the task that could not move.</summary>
    public string TaskId { get; }

    /// <summary>Gets the task's current state.</summary>
    public TaskState From { get; }

    /// <summary>Gets the state the trigger leads to where it is allowed.</summary>
    public TaskState To { get; }

    /// <summary>Gets the refused trigger.</summary>
    public TaskTrigger Trigger { get; }

    private static string Describe(string taskId, TaskState from, TaskTrigger trigger)
    {
        var fromName = from.ToWireName();
        var message = new StringBuilder()
            .Append("Task '").Append(taskId).Append("' cannot move from '").Append(fromName)
            .Append("' to '").Append(TaskLifecycle.DestinationOf(trigger).ToWireName())
            .Append("' (trigger '").Append(trigger.ToWireName()).Append("'); from '").Append(fromName).Append('\'');

        var permitted = TaskLifecycle.PermittedTriggers(from);
        if (permitted.Count == 0)
        {
            return message.Append(" no trigger is allowed.").ToString();
        }

        message.Append(" the allowed triggers are ");
        for (var i = 0; i < permitted.Count; i++)
        {
            message.Append(i == 0 ? "'" : ", '").Append(permitted[i].ToWireName())
                .Append("' (to '").Append(TaskLifecycle.DestinationOf(permitted[i]).ToWireName()).Append("')");
        }

        return message.Append('.').ToString();
    }
}
