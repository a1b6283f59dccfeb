namespace AgentManager.Hosting.Contracts;

internal sealed record AgentSummaryView(string AgentId, string Name, string Role, string Layer, string Description, IReadOnlyList<string> Capabilities);

internal sealed record TemplateReferenceView(string Kind, string Name, string? Version, bool Required);

internal sealed record WorkdirView(string? Root, string Mode, bool CreateIfMissing);

/// <summary>How an agent's process is run; environment values are never shown.</summary>
internal sealed record RunnerView(IReadOnlyList<string> Command, IReadOnlyList<string> EnvironmentKeys, double? TimeoutSeconds);

internal sealed record SkillView(string Name, string Version, string Description, string? Prompt);

/// <summary>An MCP server template; environment values are never shown.</summary>
internal sealed record McpServerView(
    string Name,
    string Version,
    string Description,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<string> EnvironmentKeys,
    string? Url,
    string? Prompt);

/// <summary><c>GET /agents/{id}</c>: the profile with its templates resolved.</summary>
internal sealed record AgentView(
    string AgentId,
    string Name,
    string Role,
    string Layer,
    string Description,
    IReadOnlyList<string> Capabilities,
    string Prompt,
    WorkdirView Workdir,
    RunnerView? Runner,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<SkillView> Skills,
    IReadOnlyList<McpServerView> McpServers,
    IReadOnlyList<TemplateReferenceView> Missing);

internal sealed record TemplatesView(IReadOnlyList<SkillView> Skills, IReadOnlyList<McpServerView> McpServers);
