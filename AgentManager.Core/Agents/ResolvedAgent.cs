namespace AgentManager.Agents;

/// <summary>A profile with its template references resolved against an <see cref="AgentCatalog"/>: what the
/// <see cref="PromptBuilder"/> and <see cref="McpConfigWriter"/> need to run the agent.</summary>
public sealed class ResolvedAgent
{
    internal ResolvedAgent(
        AgentProfile profile,
        IReadOnlyList<SkillTemplate> skills,
        IReadOnlyList<McpServerTemplate> mcpServers,
        IReadOnlyList<TemplateReference> missing)
    {
        Profile = profile;
        Skills = skills;
        McpServers = mcpServers;
        Missing = missing;
    }

    /// <summary>Gets the profile.</summary>
    public AgentProfile Profile { get; }

    /// <summary>Gets the skill templates, in the order of <see cref="AgentProfile.Skills"/>.</summary>
    public IReadOnlyList<SkillTemplate> Skills { get; }

    /// <summary>Gets the MCP server templates, in the order of <see cref="AgentProfile.McpServers"/>.</summary>
    public IReadOnlyList<McpServerTemplate> McpServers { get; }

    /// <summary>Gets the optional references that matched no template (wrong name or version) and were
    /// skipped; empty when every reference resolved.</summary>
    public IReadOnlyList<TemplateReference> Missing { get; }
}
