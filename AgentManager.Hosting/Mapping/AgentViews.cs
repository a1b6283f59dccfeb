using AgentManager.Agents;
using AgentManager.Hosting.Contracts;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns agent profiles and templates into their wire views. Environment values of runners and MCP
/// servers are left out: they often hold secrets.</summary>
internal static class AgentViews
{
    public static AgentSummaryView Summary(AgentProfile profile) =>
        new(profile.AgentId, profile.Name, profile.Role, Layer(profile.Layer), profile.Description, profile.Capabilities);

    public static AgentView Agent(ResolvedAgent agent)
    {
        var profile = agent.Profile;
        return new AgentView(
            profile.AgentId,
            profile.Name,
            profile.Role,
            Layer(profile.Layer),
            profile.Description,
            profile.Capabilities,
            profile.Prompt,
            new WorkdirView(profile.Workdir.Root, Mode(profile.Workdir.Mode), profile.Workdir.CreateIfMissing),
            profile.Runner is { } runner
                ? new RunnerView([.. runner.Command], [.. runner.Environment.Keys.Order(StringComparer.Ordinal)], profile.RunnerTimeout?.TotalSeconds)
                : null,
            profile.Metadata,
            agent.Skills.Select(s => Skill(s, withPrompt: false)).ToArray(),
            agent.McpServers.Select(m => McpServer(m, withPrompt: false)).ToArray(),
            agent.Missing.Select(r => new TemplateReferenceView(r.Kind == TemplateKind.Skill ? "skill" : "mcp", r.Name, r.Version, r.Required)).ToArray());
    }

    public static SkillView Skill(SkillTemplate skill, bool withPrompt) =>
        new(skill.Name, skill.Version, skill.Description, withPrompt ? skill.Prompt : null);

    public static McpServerView McpServer(McpServerTemplate server, bool withPrompt) => new(
        server.Name,
        server.Version,
        server.Description,
        server.Command,
        server.Args,
        [.. server.Env.Keys.Order(StringComparer.Ordinal)],
        server.Url?.ToString(),
        withPrompt ? server.Prompt : null);

    private static string Layer(AgentLayer layer) => layer == AgentLayer.High ? "high" : "low";

    private static string Mode(WorkdirMode mode) => mode switch
    {
        WorkdirMode.Shared => "shared",
        WorkdirMode.Temporary => "temporary",
        _ => "isolated",
    };
}
