using System.Collections.ObjectModel;

namespace AgentManager.Execution;

/// <summary>One attempt of a task handed to an <see cref="IAgentRunner"/>.</summary>
public sealed class AgentInvocation
{
    private readonly string workflowId = "";
    private readonly string taskId = "";
    private readonly string agentId = "";
    private readonly string prompt = "";
    private readonly int attempt = 1;
    private readonly IReadOnlyDictionary<string, string> metadata = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Gets the id of the workflow the task belongs to.</summary>
    public required string WorkflowId
    {
        get => workflowId;
        init => workflowId = value ?? throw new ArgumentNullException(nameof(WorkflowId));
    }

    /// <summary>Gets the id of the task.</summary>
    public required string TaskId
    {
        get => taskId;
        init => taskId = value ?? throw new ArgumentNullException(nameof(TaskId));
    }

    /// <summary>Gets the id of the agent that runs the task.</summary>
    public required string AgentId
    {
        get => agentId;
        init => agentId = value ?? throw new ArgumentNullException(nameof(AgentId));
    }

    /// <summary>Gets the task's human-readable title, if it has one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the instructions for the agent; empty when the task has none.</summary>
    public string Prompt
    {
        get => prompt;
        init => prompt = value ?? throw new ArgumentNullException(nameof(Prompt));
    }

    /// <summary>Gets the attempt number, starting at 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Attempt
    {
        get => attempt;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Attempt));
            attempt = value;
        }
    }

    /// <summary>Gets the absolute directory the agent works in, created by the engine; <see langword="null"/>
    /// runs the agent in the current directory.</summary>
    public string? Workdir { get; init; }

    /// <summary>Gets the error of the previous attempt, so a retry can learn from it; <see langword="null"/>
    /// on the first attempt.</summary>
    public string? PreviousError { get; init; }

    /// <summary>Gets the tail of the previous attempt's agent output, so a repair can see what was produced;
    /// <see langword="null"/> on the first attempt.</summary>
    public string? PreviousOutput { get; init; }
    /// <summary>Gets the path of the MCP configuration file written for this attempt (a JSON object
    /// <c>{"mcpServers": {...}}</c>) when the agent's profile has MCP servers; <see langword="null"/>
    /// otherwise. Process agents receive it as <see cref="AgentEnvironment.McpConfig"/>.</summary>
    public string? McpConfigPath { get; init; }

    /// <summary>Gets free-form values attached to the task; empty by default.</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => metadata;
        init => metadata = value ?? throw new ArgumentNullException(nameof(Metadata));
    }
}
