using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentManager.Workflows;

/// <summary>Prepares each attempt of a task whose agent has a profile in the <see cref="AgentCatalog"/>: its
/// working directory (from the profile's workdir policy unless the task names its own), its prompt
/// (<see cref="PromptComposer"/>) and, when the profile has MCP servers, its MCP configuration file.</summary>
/// <remarks>
/// <para>An agent without a profile gets its attempt unchanged: the task prompt and the task's workdir.</para>
/// <para>The MCP configuration is written per attempt to
/// <c>&lt;work root&gt;/.agentmanager/mcp/&lt;workflow id&gt;/&lt;task id&gt;/attempt-&lt;n&gt;/mcp-config.json</c>, outside the agent's own
/// directory, and removed when the attempt ends (its servers' environment may hold secrets).</para>
/// </remarks>
internal sealed class AttemptPreparer
{
    /// <summary>The hidden folder under a workflow's work root that holds the engine's per-attempt files.</summary>
    public const string EngineFolder = ".agentmanager";

    private readonly PromptComposer _prompts;
    private readonly TemporaryWorkdirs _temporary;

    public AttemptPreparer(AgentCatalog catalog, IOptions<AgentManagerOptions> options, IEventBus bus, ILogger<AttemptPreparer>? logger = null, SemanticMemory? memory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Catalog = catalog;
        _prompts = new PromptComposer(new PromptBuilder(Math.Max(PromptBuilder.MinMaxChars, options.Value.MaxPromptChars)), memory, logger ?? (ILogger)NullLogger.Instance);
        _temporary = new TemporaryWorkdirs(bus);
    }

    public AgentCatalog Catalog { get; }

    /// <summary>Gets the folder that holds the MCP configuration of every attempt of a workflow, one folder per task.</summary>
    public static string McpFolder(string workRoot, string workflowId) =>
        Path.Combine(workRoot, EngineFolder, "mcp", TaskWorkdir.Segment(workflowId));

    /// <summary>Removes what attempts of a workflow being resumed left on disk when their engine crashed
    /// (see <see cref="AttemptLeftovers"/>).</summary>
    public void RemoveLeftovers(WorkflowRun run, IReadOnlyList<Persistence.TaskRecord> tasks, ILogger logger) =>
        AttemptLeftovers.Remove(Catalog, run, tasks, logger);

    /// <summary>Tells whether attempts of the agent need preparing: only an agent with a profile does.</summary>
    public bool Prepares(string agentId) => Catalog.TryGetProfile(agentId, out _);

    /// <summary>Prepares the attempt. Never throws but for cancellation: a preparation that fails (a workdir
    /// the policy refuses, an MCP file that cannot be written) is returned as the attempt's error.</summary>
    public async Task<PreparedAttempt> PrepareAsync(TaskRuntime task, AgentInvocation invocation, CancellationToken cancellationToken)
    {
        if (!Catalog.TryGetProfile(invocation.AgentId, out _))
        {
            return new PreparedAttempt(invocation);
        }

        var agent = Catalog.Resolve(invocation.AgentId);
        var prepared = new PreparedAttempt(invocation);
        try
        {
            var workdir = invocation.Workdir ?? PrepareWorkdir(task, agent.Profile, prepared);
            var mcpConfig = agent.McpServers.Count == 0 ? null : await WriteMcpConfigAsync(task, invocation.Attempt, agent, prepared, cancellationToken).ConfigureAwait(false);
            var prompt = await _prompts.ComposeAsync(agent, invocation, cancellationToken).ConfigureAwait(false);
            prepared.Invocation = new AgentInvocation
            {
                WorkflowId = invocation.WorkflowId,
                TaskId = invocation.TaskId,
                AgentId = invocation.AgentId,
                Title = invocation.Title,
                Prompt = prompt,
                Attempt = invocation.Attempt,
                Workdir = workdir,
                PreviousError = invocation.PreviousError,
                PreviousOutput = invocation.PreviousOutput,
                McpConfigPath = mcpConfig,
                Metadata = invocation.Metadata,
            };
            return prepared;
        }
        catch (Exception ex) when (ex is AgentManagerException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            prepared.Dispose();
            var reason = ex is AgentConfigurationException configuration ? string.Join("; ", configuration.Errors) : ex.Message;
            return new PreparedAttempt(invocation) { Error = $"Agent '{invocation.AgentId}' could not be prepared: {reason}" };
        }
        catch
        {
            prepared.Dispose();
            throw;
        }
    }

    private string PrepareWorkdir(TaskRuntime task, AgentProfile profile, PreparedAttempt prepared)
    {
        var workdir = TaskWorkdir.Prepare(profile, task.Run.WorkRoot, task.Run.Id, task.Id);
        if (workdir.Mode == WorkdirMode.Temporary)
        {
            prepared.OnDispose(_temporary.Acquire(task.Run.Id, task.Id, workdir));
        }

        return workdir.Path;
    }

    private static async Task<string> WriteMcpConfigAsync(TaskRuntime task, int attempt, ResolvedAgent agent, PreparedAttempt prepared, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(McpFolder(task.Run.WorkRoot, task.Run.Id), TaskWorkdir.Segment(task.Id), $"attempt-{attempt}");
        prepared.OnDispose(new FolderRemoval(folder));
        return await McpConfigWriter.WriteAsync(agent.McpServers, folder, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a folder the engine made for one attempt; best effort.</summary>
    private sealed class FolderRemoval(string folder) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file still in use stays behind; the work root's owner can remove it.
            }
        }
    }
}

/// <summary>An attempt ready to run, or the reason it cannot; disposing it undoes what was made for the
/// attempt alone.</summary>
internal sealed class PreparedAttempt(AgentInvocation invocation) : IDisposable
{
    private readonly List<IDisposable> _cleanups = [];

    public AgentInvocation Invocation { get; set; } = invocation;

    public string? Error { get; init; }

    public void OnDispose(IDisposable cleanup) => _cleanups.Add(cleanup);

    public void Dispose()
    {
        for (var i = _cleanups.Count - 1; i >= 0; i--)
        {
            _cleanups[i].Dispose();
        }

        _cleanups.Clear();
    }
}
