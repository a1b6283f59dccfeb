namespace AgentManager.Hooks;

/// <summary>The snake_case wire names of <see cref="HookPoint"/> values, and which points block.</summary>
public static class HookPointNames
{
    private static readonly string[] Names =
        ["before_task_plan_confirm", "after_task_plan_confirm", "before_workflow_run", "after_workflow_run", "task_failed", "task_blocked"];

    /// <summary>Gets every wire name, in <see cref="HookPoint"/> order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Names);

    /// <summary>Gets the wire name of a hook point.</summary>
    /// <param name="point">The point.</param>
    /// <returns>The snake_case name, for example <c>before_task_plan_confirm</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="point"/> is not a defined value.</exception>
    public static string ToWireName(this HookPoint point) => Enum.IsDefined(point)
        ? Names[(int)point]
        : throw new ArgumentOutOfRangeException(nameof(point), point, "Not a defined HookPoint.");

    /// <summary>Parses a hook point's wire name. Matching is exact and case-sensitive.</summary>
    /// <param name="value">The wire name, for example <c>task_failed</c>.</param>
    /// <param name="point">The point when the name is known; otherwise the first point.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a hook point's wire name.</returns>
    public static bool TryParse(string? value, out HookPoint point)
    {
        var index = Array.IndexOf(Names, value);
        point = index < 0 ? default : (HookPoint)index;
        return index >= 0;
    }

    /// <summary>Tells whether a failing hook at <paramref name="point"/> (without <c>allow_failure</c>) blocks
    /// the operation: true for the <c>before_*</c> points.</summary>
    /// <param name="point">The point.</param>
    /// <returns><see langword="true"/> for <see cref="HookPoint.BeforeTaskPlanConfirm"/> and
    /// <see cref="HookPoint.BeforeWorkflowRun"/>.</returns>
    public static bool IsBlocking(this HookPoint point) =>
        point is HookPoint.BeforeTaskPlanConfirm or HookPoint.BeforeWorkflowRun;
}
