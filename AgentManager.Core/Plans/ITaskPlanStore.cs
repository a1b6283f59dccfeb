namespace AgentManager.Plans;

/// <summary>Where task plans are kept, every version of each, with optimistic concurrency by version.</summary>
/// <remarks>Implementations must be safe to call from several threads and apply each write atomically.
/// They store what they are given; the rules of plans are <see cref="TaskPlanService"/>'s.</remarks>
public interface ITaskPlanStore
{
    /// <summary>Stores the first version of a new plan.</summary>
    /// <param name="plan">The plan, version 1.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>A task that completes when the plan is stored.</returns>
    /// <exception cref="PlanConflictException">A plan with the same id exists.</exception>
    Task AddAsync(TaskPlan plan, CancellationToken cancellationToken);

    /// <summary>Stores the next version of a plan if the stored current version is the one before it.</summary>
    /// <param name="plan">The new version; its <see cref="TaskPlan.Version"/> must be the current one plus 1.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>A task that completes when the version is stored.</returns>
    /// <exception cref="PlanNotFoundException">The plan does not exist.</exception>
    /// <exception cref="PlanConflictException">The current version is not <c>plan.Version - 1</c>: another
    /// change came first. Nothing is stored.</exception>
    Task UpdateAsync(TaskPlan plan, CancellationToken cancellationToken);

    /// <summary>Reads a plan.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="version">The version, or <see langword="null"/> for the current one.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan, or <see langword="null"/> when the plan or the version does not exist.</returns>
    Task<TaskPlan?> GetAsync(string planId, int? version, CancellationToken cancellationToken);

    /// <summary>Lists the current version of every plan, oldest first (by creation time, then id).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plans.</returns>
    Task<IReadOnlyList<TaskPlan>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes a plan with all its versions.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns><see langword="true"/> when the plan existed.</returns>
    Task<bool> DeleteAsync(string planId, CancellationToken cancellationToken);
}
