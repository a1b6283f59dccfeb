namespace AgentManager.Agents;

/// <summary>The wire names of the agent enums, as written in profile files. Matching is exact.</summary>
internal static class WireNames
{
    public static string Of(AgentLayer layer) => layer == AgentLayer.High ? "high" : "low";

    public static string Of(WorkdirMode mode) => mode switch
    {
        WorkdirMode.Shared => "shared",
        WorkdirMode.Temporary => "temporary",
        _ => "isolated",
    };

    public static AgentLayer? ParseLayer(string value) => value switch
    {
        "high" => AgentLayer.High,
        "low" => AgentLayer.Low,
        _ => null,
    };

    public static WorkdirMode? ParseMode(string value) => value switch
    {
        "isolated" => WorkdirMode.Isolated,
        "shared" => WorkdirMode.Shared,
        "temporary" => WorkdirMode.Temporary,
        _ => null,
    };
}
