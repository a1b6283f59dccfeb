namespace AgentManager.Plans;

/// <summary>What changed between two versions of a task plan: items added, removed and changed (matched by id),
/// the order of the items, and the plan's status.</summary>
public sealed class PlanDiff
{
    private PlanDiff(TaskPlan from, TaskPlan to)
    {
        PlanId = to.PlanId;
        FromVersion = from.Version;
        ToVersion = to.Version;
        FromStatus = from.Status;
        ToStatus = to.Status;
        var before = from.Items.ToDictionary(item => item.Id, StringComparer.Ordinal);
        var after = to.Items.ToDictionary(item => item.Id, StringComparer.Ordinal);
        Added = to.Items.Where(item => !before.ContainsKey(item.Id)).ToList().AsReadOnly();
        Removed = from.Items.Where(item => !after.ContainsKey(item.Id)).ToList().AsReadOnly();
        var changed = new List<PlanItemChange>();
        foreach (var item in to.Items)
        {
            if (before.TryGetValue(item.Id, out var old))
            {
                var fields = PlanItem.ChangedFields(old, item);
                if (old.Status != item.Status)
                {
                    fields.Add("status");
                }

                if (fields.Count > 0)
                {
                    changed.Add(new PlanItemChange(old, item, fields.AsReadOnly()));
                }
            }
        }

        Changed = changed.AsReadOnly();
        Reordered = !from.Items.Where(item => after.ContainsKey(item.Id)).Select(item => item.Id)
            .SequenceEqual(to.Items.Where(item => before.ContainsKey(item.Id)).Select(item => item.Id), StringComparer.Ordinal);
    }

    /// <summary>Gets the plan id.</summary>
    public string PlanId { get; }

    /// <summary>Gets the version compared from.</summary>
    public int FromVersion { get; }

    /// <summary>Gets the version compared to.</summary>
    public int ToVersion { get; }

    /// <summary>Gets the plan's status in the version compared from.</summary>
    public PlanStatus FromStatus { get; }

    /// <summary>Gets the plan's status in the version compared to.</summary>
    public PlanStatus ToStatus { get; }

    /// <summary>Gets the items only in the version compared to, in its order.</summary>
    public IReadOnlyList<PlanItem> Added { get; }

    /// <summary>Gets the items only in the version compared from, in its order.</summary>
    public IReadOnlyList<PlanItem> Removed { get; }

    /// <summary>Gets the items in both versions that differ, in the order of the version compared to.</summary>
    public IReadOnlyList<PlanItemChange> Changed { get; }

    /// <summary>Gets whether the items in both versions come in a different order.</summary>
    public bool Reordered { get; }

    /// <summary>Gets whether anything differs: items, their order, or the plan's status.</summary>
    public bool HasChanges => Added.Count > 0 || Removed.Count > 0 || Changed.Count > 0 || Reordered || FromStatus != ToStatus;

    internal static PlanDiff Between(TaskPlan from, TaskPlan to) => new(from, to);
}
