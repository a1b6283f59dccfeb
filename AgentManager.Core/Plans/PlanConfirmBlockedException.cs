using AgentManager.Hooks;

namespace AgentManager.Plans;

/// <summary>Raised when a blocking <c>before_task_plan_confirm</c> hook failed: the plan stays a draft.</summary>
public sealed class PlanConfirmBlockedException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="planId">The plan.</param>
    /// <param name="version">The version that was being confirmed.</param>
    /// <param name="hooks">The hook run, which is <see cref="HookRunResult.Blocked"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hooks"/> is null.</exception>
    public PlanConfirmBlockedException(string planId, int version, HookRunResult hooks)
        : base($"Task plan '{planId}' was not confirmed: {hooks?.Reason ?? "a before_task_plan_confirm hook failed."}")
    {
        ArgumentNullException.ThrowIfNull(hooks);
        PlanId = planId;
        Version = version;
        Hooks = hooks;
    }

    /// <summary>Gets the plan id.</summary>
    public string PlanId { get; }

    /// <summary>Gets the version that was being confirmed; it is still the current draft.</summary>
    public int Version { get; }

    /// <summary>Gets the hook run, with every outcome and the hook that blocked.</summary>
    public HookRunResult Hooks { get; }

    /// <summary>Gets why, naming the hook.</summary>
    public string Reason => Hooks.Reason ?? "A before_task_plan_confirm hook failed.";
}
