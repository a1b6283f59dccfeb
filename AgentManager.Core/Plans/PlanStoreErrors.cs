namespace AgentManager.Plans;

/// <summary>The errors every <see cref="ITaskPlanStore"/> raises, worded the same by each.</summary>
internal static class PlanStoreErrors
{
    public static PlanConflictException AlreadyExists(string planId, int currentVersion) => new(
        planId,
        currentVersion,
        $"Task plan '{planId}' already exists; choose another plan id, or edit or delete that plan.");

    public static PlanConflictException NotNextVersion(string planId, int currentVersion, int version) => new(
        planId,
        currentVersion,
        $"Task plan '{planId}' is at version {currentVersion}, but the change was made to version {version - 1}; read the plan again and retry.");
}
