namespace AgentManager.Agents;

/// <summary>The kind of template a <see cref="TemplateReference"/> names. Wire names: <c>skill</c>,
/// <c>mcp</c>.</summary>
public enum TemplateKind
{
    /// <summary>A <see cref="SkillTemplate"/>: a prompt snippet that teaches the agent a way of working.</summary>
    Skill,

    /// <summary>An <see cref="McpServerTemplate"/>: an MCP server the agent process is given.</summary>
    Mcp,
}
