using System.Globalization;

namespace AgentManager.Execution;

/// <summary>The environment variables that agent and verifier processes receive.</summary>
public static class AgentEnvironment
{
    /// <summary>The task id.</summary>
    public const string TaskId = "AGENTMANAGER_TASK_ID";

    /// <summary>The workflow id.</summary>
    public const string WorkflowId = "AGENTMANAGER_WORKFLOW_ID";

    /// <summary>The attempt number, starting at 1.</summary>
    public const string Attempt = "AGENTMANAGER_ATTEMPT";

    /// <summary>The absolute working directory of the process.</summary>
    public const string Workdir = "AGENTMANAGER_WORKDIR";

    /// <summary>The previous attempt's error; empty on the first attempt.</summary>
    public const string PreviousError = "AGENTMANAGER_PREVIOUS_ERROR";

    /// <summary>The agent id.</summary>
    public const string AgentId = "AGENTMANAGER_AGENT_ID";

    /// <summary>The path of a file an agent process may write what it consumed to, for budgets: one JSON object
    /// such as <c>{"input_tokens": 1200, "output_tokens": 340, "cost": 0.012}</c> (each optional, non-negative;
    /// other properties ignored). It does not exist when the process starts; it is read and deleted when the
    /// process exits, whatever its exit code. Set for agents run by <see cref="ProcessAgentRunner"/> only.</summary>
    public const string UsageFile = "AGENTMANAGER_USAGE_FILE";

    /// <summary>The path of the attempt's MCP configuration file; set only when the agent's profile has MCP
    /// servers (see <see cref="AgentInvocation.McpConfigPath"/>).</summary>
    public const string McpConfig = Agents.McpConfigWriter.EnvironmentVariable;

    /// <summary>The directory a process for <paramref name="invocation"/> runs in.</summary>
    internal static string WorkdirOf(AgentInvocation invocation) =>
        invocation.Workdir ?? Environment.CurrentDirectory;

    /// <summary>The variables above for <paramref name="invocation"/>.</summary>
    internal static Dictionary<string, string> VariablesOf(AgentInvocation invocation)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TaskId] = invocation.TaskId,
            [WorkflowId] = invocation.WorkflowId,
            [Attempt] = invocation.Attempt.ToString(CultureInfo.InvariantCulture),
            [Workdir] = WorkdirOf(invocation),
            [PreviousError] = invocation.PreviousError ?? "",
            [AgentId] = invocation.AgentId,
        };
        if (invocation.McpConfigPath is { } mcpConfig)
        {
            variables[McpConfig] = mcpConfig;
        }

        return variables;
    }
}
