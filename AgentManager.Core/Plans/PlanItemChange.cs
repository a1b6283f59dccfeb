namespace AgentManager.Plans;

/// <summary>An item present in both versions of a <see cref="PlanDiff"/> whose fields or status differ.</summary>
public sealed class PlanItemChange
{
    internal PlanItemChange(PlanItem before, PlanItem after, IReadOnlyList<string> fields)
    {
        Before = before;
        After = after;
        Fields = fields;
    }

    /// <summary>Gets the item id.</summary>
    public string ItemId => After.Id;

    /// <summary>Gets the item in the version compared from.</summary>
    public PlanItem Before { get; }

    /// <summary>Gets the item in the version compared to.</summary>
    public PlanItem After { get; }

    /// <summary>Gets the wire names of the fields that differ, in <see cref="PlanItem"/> field order, with
    /// <c>status</c> last when it differs.</summary>
    public IReadOnlyList<string> Fields { get; }
}
