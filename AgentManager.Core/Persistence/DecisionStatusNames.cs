namespace AgentManager.Persistence;

/// <summary>The names the SQL stores give a <see cref="HumanDecisionStatus"/> in their rows.</summary>
internal static class DecisionStatusNames
{
    public static string ToName(HumanDecisionStatus status) => status switch
    {
        HumanDecisionStatus.Pending => "pending",
        HumanDecisionStatus.Applied => "applied",
        HumanDecisionStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a defined HumanDecisionStatus."),
    };

    public static bool TryParse(string value, out HumanDecisionStatus status)
    {
        (var known, status) = value switch
        {
            "pending" => (true, HumanDecisionStatus.Pending),
            "applied" => (true, HumanDecisionStatus.Applied),
            "rejected" => (true, HumanDecisionStatus.Rejected),
            _ => (false, default),
        };
        return known;
    }
}
