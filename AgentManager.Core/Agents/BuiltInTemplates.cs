namespace AgentManager.Agents;

/// <summary>The templates every <see cref="AgentCatalog"/> starts with: the skills <c>task-planning</c>,
/// <c>code-review</c> and <c>sandbox-execution</c>, and the MCP servers <c>filesystem</c> and
/// <c>event-bus</c>. A project overrides one with a template file of the same name.</summary>
public static class BuiltInTemplates
{
    /// <summary>Gets the <c>task-planning</c> skill: split a goal into small, verifiable, dependent tasks.</summary>
    public static SkillTemplate TaskPlanning { get; } = new()
    {
        Name = "task-planning",
        Description = "Split a goal into small, verifiable tasks with explicit dependencies.",
        Prompt = """
            Plan before you act. Restate the goal in one sentence, then split it into tasks that each produce
            one checkable result and fit in a single attempt.

            For every task give a short id, what it must deliver, how to verify it (a command or a concrete
            check) and the ids of the tasks it depends on. Dependencies must form no cycle; tasks without a
            dependency between them can run in parallel, so do not chain them needlessly.

            Prefer fewer, well-defined tasks over many vague ones. When the goal is ambiguous, state the
            assumption you make instead of guessing silently.
            """,
    };

    /// <summary>Gets the <c>code-review</c> skill: review a change for correctness first, then clarity.</summary>
    public static SkillTemplate CodeReview { get; } = new()
    {
        Name = "code-review",
        Description = "Review a change for correctness, risk and clarity, with actionable findings.",
        Prompt = """
            Review the change against what the task asked for. Check correctness first: edge cases, error
            handling, concurrency, resource cleanup and security-sensitive input. Then check tests: do they
            cover the failure paths, and would they fail if the change were wrong?

            Report findings in order of severity. For each, name the file and line, say what is wrong, why it
            matters and what to do instead. Separate blocking problems from suggestions, and say plainly when
            the change is ready.
            """,
    };

    /// <summary>Gets the <c>sandbox-execution</c> skill: work only in the task directory, verify by running.</summary>
    public static SkillTemplate SandboxExecution { get; } = new()
    {
        Name = "sandbox-execution",
        Description = "Work inside the task's directory and prove results by running them.",
        Prompt = """
            Work only inside your working directory (AGENTMANAGER_WORKDIR); do not read or write outside it
            and do not rely on files from other tasks unless the task names them.

            Make the smallest change that fulfils the task, then run the build or tests that prove it. If a
            command fails, read its output, fix the cause and run it again rather than reporting success.

            Finish with a short summary: what you changed, the commands you ran and their outcome, and
            anything left undone.
            """,
    };

    /// <summary>Gets the <c>filesystem</c> MCP server: the reference MCP filesystem server over the current
    /// directory of the MCP client (the task's working directory), started with <c>npx</c>.</summary>
    public static McpServerTemplate Filesystem { get; } = new()
    {
        Name = "filesystem",
        Description = "Read, write and search files in the task's working directory.",
        Command = ["npx", "-y", "@modelcontextprotocol/server-filesystem", "."],
        Prompt = "Use the filesystem tools to list, read, search and edit files of your working directory; paths outside it are refused.",
    };

    /// <summary>Gets the <c>event-bus</c> MCP server: publishes progress and reads the events of the workflow.</summary>
    /// <remarks>The command <c>agentmanager-mcp event-bus</c> is a placeholder for the host's event-bus MCP
    /// server; a host that exposes it otherwise overrides this template with <c>templates/mcp/event-bus.md</c>.</remarks>
    public static McpServerTemplate EventBus { get; } = new()
    {
        Name = "event-bus",
        Description = "Publish progress and read the events of the current workflow.",
        Command = ["agentmanager-mcp", "event-bus"],
        Prompt = "Use the event-bus tools to report progress on long steps and to read what other tasks of the workflow have published.",
    };

    /// <summary>Gets the built-in skills, in the order above.</summary>
    public static IReadOnlyList<SkillTemplate> Skills { get; } = Array.AsReadOnly([TaskPlanning, CodeReview, SandboxExecution]);

    /// <summary>Gets the built-in MCP servers, in the order above.</summary>
    public static IReadOnlyList<McpServerTemplate> McpServers { get; } = Array.AsReadOnly([Filesystem, EventBus]);
}
