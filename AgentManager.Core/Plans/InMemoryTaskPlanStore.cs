namespace AgentManager.Plans;

/// <summary>The <see cref="ITaskPlanStore"/> that keeps every version of every plan in process memory.</summary>
internal sealed class InMemoryTaskPlanStore : ITaskPlanStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<TaskPlan>> _plans = new(StringComparer.Ordinal);

    public Task AddAsync(TaskPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_plans.TryGetValue(plan.PlanId, out var versions))
            {
                throw PlanStoreErrors.AlreadyExists(plan.PlanId, versions[^1].Version);
            }

            _plans[plan.PlanId] = [plan];
        }

        return Task.CompletedTask;
    }

    public Task UpdateAsync(TaskPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_plans.TryGetValue(plan.PlanId, out var versions))
            {
                throw new PlanNotFoundException(plan.PlanId);
            }

            var current = versions[^1].Version;
            if (plan.Version != current + 1)
            {
                throw PlanStoreErrors.NotNextVersion(plan.PlanId, current, plan.Version);
            }

            versions.Add(plan);
        }

        return Task.CompletedTask;
    }

    public Task<TaskPlan?> GetAsync(string planId, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_plans.TryGetValue(planId, out var versions))
            {
                return Task.FromResult<TaskPlan?>(null);
            }

            return Task.FromResult(version is null ? versions[^1] : versions.Find(plan => plan.Version == version));
        }
    }

    public Task<IReadOnlyList<TaskPlan>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<TaskPlan> plans = _plans.Values
                .Select(versions => versions[^1])
                .OrderBy(plan => plan.CreatedAt)
                .ThenBy(plan => plan.PlanId, StringComparer.Ordinal)
                .ToList()
                .AsReadOnly();
            return Task.FromResult(plans);
        }
    }

    public Task<bool> DeleteAsync(string planId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_plans.Remove(planId));
        }
    }
}
