namespace AgentManager.Hooks;

/// <summary>Where in the life of a plan or workflow hooks run. Wire names (hooks.json, events):
/// <c>before_task_plan_confirm</c>, <c>after_task_plan_confirm</c>, <c>before_workflow_run</c>,
/// <c>after_workflow_run</c>, <c>task_failed</c>, <c>task_blocked</c>; see <see cref="HookPointNames"/>.</summary>
/// <remarks>The <c>before_*</c> points are blocking: a hook that fails there without <c>allow_failure</c>
/// makes the run <see cref="HookRunResult.Blocked"/> and the caller refuses the operation. The other points
/// only report.</remarks>
public enum HookPoint
{
    /// <summary>Before a task plan is confirmed; blocking.</summary>
    BeforeTaskPlanConfirm,

    /// <summary>After a task plan was confirmed.</summary>
    AfterTaskPlanConfirm,

    /// <summary>Before a workflow starts running; blocking.</summary>
    BeforeWorkflowRun,

    /// <summary>After a workflow finished (completed, failed or cancelled).</summary>
    AfterWorkflowRun,

    /// <summary>A task failed for good.</summary>
    TaskFailed,

    /// <summary>A task is blocked and waits for a human.</summary>
    TaskBlocked,
}
