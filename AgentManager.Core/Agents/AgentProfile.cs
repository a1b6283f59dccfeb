using System.Diagnostics.CodeAnalysis;
using AgentManager.Execution;
using AgentManager.Memory;

namespace AgentManager.Agents;

/// <summary>What an agent is: its id, role and layer, the skills and MCP servers it uses, its prompt, where it
/// works and, optionally, the process that runs it. Immutable.</summary>
/// <remarks>
/// <para>Properties check only for null when set; <see cref="Validate"/> checks every other rule and reports
/// every problem at once. <see cref="AgentCatalog"/> validates the profiles it holds.</para>
/// <para>In a configuration directory a profile is <c>&lt;dir&gt;/&lt;any&gt;.md</c>: a JSON front matter with the
/// snake_case fields <c>agent_id</c>, <c>name</c>, <c>role</c>, <c>layer</c>, <c>description</c>,
/// <c>capabilities</c>, <c>skills</c>, <c>mcp_servers</c>, <c>workdir</c>, <c>runner</c>, <c>memory</c> and
/// <c>metadata</c>, and the Markdown body as <see cref="Prompt"/> (see <c>docs/agents.md</c>).</para>
/// </remarks>
public sealed class AgentProfile
{
    private readonly string agentId = "";
    private readonly string? name;
    private readonly string role = "";
    private readonly string description = "";
    private readonly string prompt = "";
    private readonly IReadOnlyList<string> capabilities = [];
    private readonly IReadOnlyList<TemplateReference> skills = [];
    private readonly IReadOnlyList<TemplateReference> mcpServers = [];
    private readonly WorkdirSettings workdir = new();
    private readonly ProcessAgentOptions? runner;
    private readonly IReadOnlyDictionary<string, string> metadata = Frozen.Map([], "metadata");

    /// <summary>Gets the agent id tasks name to be run by this agent; a valid id (see <see cref="Ids"/>),
    /// unique in a catalog.</summary>
    public required string AgentId
    {
        get => agentId;
        init => agentId = value ?? throw new ArgumentNullException(nameof(AgentId));
    }

    /// <summary>Gets the display name; the agent id when not set (or set to <see langword="null"/>).</summary>
    [AllowNull]
    public string Name
    {
        get => name ?? AgentId;
        init => name = value;
    }

    /// <summary>Gets the role in a few words, for example <c>plans and delegates</c>; empty by default.</summary>
    public string Role
    {
        get => role;
        init => role = value ?? throw new ArgumentNullException(nameof(Role));
    }

    /// <summary>Gets the layer; <see cref="AgentLayer.Low"/> by default.</summary>
    public AgentLayer Layer { get; init; } = AgentLayer.Low;

    /// <summary>Gets a summary for people and for managers choosing an agent; empty by default.</summary>
    public string Description
    {
        get => description;
        init => description = value ?? throw new ArgumentNullException(nameof(Description));
    }

    /// <summary>Gets free-form capability tags, for example <c>code</c> or <c>review</c>; empty by default.</summary>
    public IReadOnlyList<string> Capabilities
    {
        get => capabilities;
        init => capabilities = Frozen.List(value, nameof(Capabilities));
    }

    /// <summary>Gets the skill templates the agent uses, in prompt order; every one of kind
    /// <see cref="TemplateKind.Skill"/>.</summary>
    public IReadOnlyList<TemplateReference> Skills
    {
        get => skills;
        init => skills = Frozen.List(value, nameof(Skills));
    }

    /// <summary>Gets the MCP server templates the agent uses; every one of kind <see cref="TemplateKind.Mcp"/>.</summary>
    public IReadOnlyList<TemplateReference> McpServers
    {
        get => mcpServers;
        init => mcpServers = Frozen.List(value, nameof(McpServers));
    }

    /// <summary>Gets the agent's own instructions, the first section of its prompts; empty by default.</summary>
    public string Prompt
    {
        get => prompt;
        init => prompt = value ?? throw new ArgumentNullException(nameof(Prompt));
    }

    /// <summary>Gets where the agent's tasks work; an isolated directory per task under the agent id by
    /// default.</summary>
    public WorkdirSettings Workdir
    {
        get => workdir;
        init => workdir = value ?? throw new ArgumentNullException(nameof(Workdir));
    }

    /// <summary>Gets the process that runs the agent (<c>runner</c> of kind <c>process</c> in files), or
    /// <see langword="null"/> when the host registers the agent's runner itself.</summary>
    /// <remarks>The profile keeps its own copy: every read returns a new copy, so changing it does not
    /// change the profile.</remarks>
    public ProcessAgentOptions? Runner
    {
        get => runner is null ? null : Copy(runner);
        init => runner = value is null ? null : Copy(value);
    }

    /// <summary>Gets the time limit for each attempt of this agent's tasks (<c>runner.timeout_seconds</c> in
    /// files); <see langword="null"/> leaves the engine's default.</summary>
    public TimeSpan? RunnerTimeout { get; init; }

    /// <summary>Gets which long-term memories the engine adds to the context of this agent's prompts
    /// (<c>memory</c> in files: <c>top_k</c>, <c>min_score</c>, <c>max_chars</c>, <c>namespace</c>,
    /// <c>tags</c>); <see langword="null"/> (the default) adds none. Used only when agent memory is registered
    /// (<c>AddAgentMemory()</c>).</summary>
    public MemoryContextOptions? Memory { get; init; }

    /// <summary>Gets free-form values for the host; empty by default.</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => metadata;
        init => metadata = Frozen.Map(value, nameof(Metadata));
    }

    /// <summary>Checks every rule of the profile.</summary>
    /// <exception cref="AgentConfigurationException">At least one rule is broken; <see cref="AgentConfigurationException.Errors"/>
    /// lists every problem as <c>agent 'id': field: rule</c>, with the snake_case field names of files.</exception>
    public void Validate()
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new AgentConfigurationException(problems.Select(problem => $"agent '{AgentId}': {problem}"));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{AgentId} ({WireNames.Of(Layer)})";

    internal IEnumerable<FieldError> Problems()
    {
        if (AgentId.Length == 0)
        {
            yield return new("agent_id", "required; every profile needs an id matching " + Ids.Pattern);
        }
        else if (!Ids.IsValid(AgentId))
        {
            yield return new("agent_id", Ids.Describe(AgentId));
        }

        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            yield return new("name", "the name must not be blank");
        }

        if (!Enum.IsDefined(Layer))
        {
            yield return new("layer", $"{(int)Layer} is not a layer; use \"high\" or \"low\"");
        }

        for (var i = 0; i < Capabilities.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Capabilities[i]))
            {
                yield return new($"capabilities[{i}]", "capabilities must not be blank");
            }
        }

        foreach (var problem in ReferenceProblems(Skills, TemplateKind.Skill, "skills"))
        {
            yield return problem;
        }

        foreach (var problem in ReferenceProblems(McpServers, TemplateKind.Mcp, "mcp_servers"))
        {
            yield return problem;
        }

        foreach (var problem in Workdir.Problems())
        {
            yield return problem;
        }

        if (runner is not null)
        {
            string? error = null;
            try
            {
                runner.Validate();
            }
            catch (ArgumentException exception)
            {
                error = exception.Message;
            }

            if (error is not null)
            {
                yield return new("runner", error);
            }
        }

        if (RunnerTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            yield return new("runner.timeout_seconds", $"{timeout.TotalSeconds} is not positive");
        }
        else if (RunnerTimeout > TimerLimit.Max)
        {
            yield return new("runner.timeout_seconds", $"{RunnerTimeout.Value.TotalSeconds} is above {TimerLimit.Max.TotalSeconds} (about 49.7 days, the longest delay a timer accepts)");
        }

        foreach (var (key, value) in Metadata)
        {
            if (value is null)
            {
                yield return new("metadata", $"the value of '{key}' is null; use \"\" for an empty value");
            }
        }
    }

    private static IEnumerable<FieldError> ReferenceProblems(IReadOnlyList<TemplateReference> references, TemplateKind kind, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            var at = $"{field}[{i}]";
            if (reference is null)
            {
                yield return new(at, "references must not be null");
                continue;
            }

            if (reference.Kind != kind)
            {
                yield return new(at, $"{reference} is listed in {field}, which holds only {(kind == TemplateKind.Skill ? "skill" : "mcp")} references");
            }

            if (!Ids.IsValid(reference.Name))
            {
                yield return new(at + ".name", Ids.Describe(reference.Name));
            }
            else if (!seen.Add(reference.Name))
            {
                yield return new(at + ".name", $"'{reference.Name}' is referenced twice in {field}");
            }

            if (reference.Version is { } version && string.IsNullOrWhiteSpace(version))
            {
                yield return new(at + ".version", "the version must not be blank; omit it to accept any version");
            }
        }
    }

    private static ProcessAgentOptions Copy(ProcessAgentOptions source)
    {
        var copy = new ProcessAgentOptions { PromptDelivery = source.PromptDelivery, MaxOutputChars = source.MaxOutputChars };
        foreach (var argument in source.Command)
        {
            copy.Command.Add(argument);
        }

        foreach (var (key, value) in source.Environment)
        {
            copy.Environment[key] = value;
        }

        return copy;
    }
}
