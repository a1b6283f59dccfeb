namespace AgentManager.Events;

/// <summary>The <see cref="AgentManagerEvent.Type"/> names of the events AgentManager publishes.</summary>
/// <remarks>Names are snake_case; an <see cref="EventFilter"/> can select a family with a prefix such
/// as <c>task_*</c>.</remarks>
public static class EventTypes
{
    /// <summary>A task's dependencies are met: it moved to Ready by DependenciesMet.</summary>
    public const string TaskReady = "task_ready";

    /// <summary>A task goes back to Ready for another attempt (Retry, HumanRetry or LeaseExpired).</summary>
    public const string TaskRetrying = "task_retrying";

    /// <summary>An attempt started: the task moved to Implementing.</summary>
    public const string TaskStarted = "task_started";

    /// <summary>An attempt is being verified: the task moved to Verifying.</summary>
    public const string TaskVerifying = "task_verifying";

    /// <summary>The task moved to Completed.</summary>
    public const string TaskCompleted = "task_completed";

    /// <summary>An attempt failed: the task moved to BlockedRepair.</summary>
    public const string TaskAttemptFailed = "task_attempt_failed";

    /// <summary>The task moved to Failed.</summary>
    public const string TaskFailed = "task_failed";

    /// <summary>The task moved to BlockedHitl and waits for a human.</summary>
    public const string TaskBlocked = "task_blocked";

    /// <summary>The task moved to Cancelled.</summary>
    public const string TaskCancelled = "task_cancelled";

    /// <summary>A failing task climbed the repair ladder: handed to the repair or escalation agent, or blocked for a
    /// human; see <see cref="TaskEscalatedEvent"/>.</summary>
    public const string TaskEscalated = "task_escalated";

    /// <summary>A human decision taken from the store could not be applied, for example because its task was no
    /// longer blocked; see <see cref="HumanInboxEvent"/>.</summary>
    public const string HumanDecisionRejected = "human_decision_rejected";

    /// <summary>A task blocked for a human reached its deadline and the deadline's action was applied; see
    /// <see cref="HumanInboxEvent"/>.</summary>
    public const string HumanDeadlinePassed = "human_deadline_passed";

    /// <summary>A workflow was created.</summary>
    public const string WorkflowCreated = "workflow_created";

    /// <summary>A workflow started running.</summary>
    public const string WorkflowStarted = "workflow_started";

    /// <summary>Every task of a workflow completed.</summary>
    public const string WorkflowCompleted = "workflow_completed";

    /// <summary>A workflow failed.</summary>
    public const string WorkflowFailed = "workflow_failed";

    /// <summary>A workflow was cancelled.</summary>
    public const string WorkflowCancelled = "workflow_cancelled";

    /// <summary>A task plan was created as a draft.</summary>
    public const string TaskPlanCreated = "task_plan_created";

    /// <summary>A draft task plan's items were replaced by an accepted edit.</summary>
    public const string TaskPlanUpdated = "task_plan_updated";

    /// <summary>A task plan was confirmed: frozen, its items confirmed, ready to become a workflow.</summary>
    public const string TaskPlanConfirmed = "task_plan_confirmed";

    /// <summary>Confirming a task plan failed (validation, a blocking hook, a concurrent change); it stays a draft.</summary>
    public const string TaskPlanConfirmFailed = "task_plan_confirm_failed";

    /// <summary>A task plan was deleted with all its versions.</summary>
    public const string TaskPlanDeleted = "task_plan_deleted";

    /// <summary>A runtime hook's command exited with code 0.</summary>
    public const string HookSucceeded = "hook_succeeded";

    /// <summary>A runtime hook's command failed: a non-zero exit code, a timeout, or a program that could not start.</summary>
    public const string HookFailed = "hook_failed";

    /// <summary>A schedule fired: its occurrence was recorded and its run's workflow created and started.</summary>
    public const string ScheduleFired = "schedule_fired";

    /// <summary>A schedule started no run for an occurrence: it was missed under the skip policy, or the
    /// previous run had not finished and overlap is not allowed.</summary>
    public const string ScheduleSkipped = "schedule_skipped";

    /// <summary>A schedule was paused.</summary>
    public const string SchedulePaused = "schedule_paused";

    /// <summary>A paused schedule was resumed.</summary>
    public const string ScheduleResumed = "schedule_resumed";

    /// <summary>A schedule could not start or resume a run (its plan file did not load, its workflow was
    /// invalid, no workflow factory was registered).</summary>
    public const string ScheduleFailed = "schedule_failed";

    /// <summary>Tells whether <paramref name="type"/> is one of the <c>workflow_*</c> constants.</summary>
    public static bool IsWorkflowType(string? type) =>
        type is WorkflowCreated or WorkflowStarted or WorkflowCompleted or WorkflowFailed or WorkflowCancelled;

    /// <summary>Tells whether <paramref name="type"/> is one of the <c>task_plan_*</c> constants.</summary>
    internal static bool IsTaskPlanType(string? type) =>
        type is TaskPlanCreated or TaskPlanUpdated or TaskPlanConfirmed or TaskPlanConfirmFailed or TaskPlanDeleted;

    /// <summary>Tells whether <paramref name="type"/> is one of the <c>hook_*</c> constants.</summary>
    internal static bool IsHookType(string? type) => type is HookSucceeded or HookFailed;

    /// <summary>Tells whether <paramref name="type"/> is one of the <c>human_*</c> constants.</summary>
    public static bool IsHumanInboxType(string? type) => type is HumanDecisionRejected or HumanDeadlinePassed;
    /// <summary>Tells whether <paramref name="type"/> is one of the <c>schedule_*</c> constants.</summary>
    internal static bool IsScheduleType(string? type) =>
        type is ScheduleFired or ScheduleSkipped or SchedulePaused or ScheduleResumed or ScheduleFailed;

    /// <summary>Tells whether <paramref name="type"/> is snake_case: lower-case letters and digits in
    /// words joined by single underscores.</summary>
    internal static bool IsSnakeCase(string? type)
    {
        if (string.IsNullOrEmpty(type) || type[0] == '_' || type[^1] == '_')
        {
            return false;
        }

        for (var i = 0; i < type.Length; i++)
        {
            var c = type[i];
            var valid = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (c == '_' && type[i - 1] != '_');
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }
}
