namespace AgentManager.Agents;

/// <summary>The profiles every <see cref="AgentCatalog"/> starts with: <c>manager</c> and <c>supervisor</c>
/// (high layer) and <c>worker</c> (low layer). A project overrides one with a profile file of the same
/// <c>agent_id</c>. None has a <see cref="AgentProfile.Runner"/>: the host registers their runners.</summary>
public static class BuiltInAgents
{
    /// <summary>Gets the <c>manager</c>: turns a goal into a plan of dependent tasks and assigns them.</summary>
    public static AgentProfile Manager { get; } = new()
    {
        AgentId = "manager",
        Name = "Manager",
        Role = "plans the work and delegates it",
        Layer = AgentLayer.High,
        Description = "Turns a goal into a plan of dependent tasks and assigns each task to a suitable agent.",
        Capabilities = ["planning", "delegation"],
        Skills = [Skill("task-planning")],
        McpServers = [Mcp("event-bus", required: false)],
        Prompt = """
            You are the manager. You do not implement tasks yourself: you decide what has to be done, in which
            order, and by which agent.

            Keep the plan as small as the goal allows, make every task verifiable, and assign high-layer agents
            only to planning and review.
            """,
        Workdir = new WorkdirSettings { Mode = WorkdirMode.Shared },
    };

    /// <summary>Gets the <c>supervisor</c>: reviews results and decides to accept, retry or escalate.</summary>
    public static AgentProfile Supervisor { get; } = new()
    {
        AgentId = "supervisor",
        Name = "Supervisor",
        Role = "reviews results and unblocks tasks",
        Layer = AgentLayer.High,
        Description = "Reviews the results of tasks, decides whether to accept, retry or escalate, and unblocks failed tasks.",
        Capabilities = ["review", "triage"],
        Skills = [Skill("code-review"), Skill("task-planning", required: false)],
        McpServers = [Mcp("event-bus", required: false), Mcp("filesystem", required: false)],
        Prompt = """
            You are the supervisor. Judge results against what each task asked for, not against what you would
            have done.

            When a task failed, find the cause from its error and output, then either give precise
            instructions for a retry or explain why a human must decide.
            """,
        Workdir = new WorkdirSettings { Mode = WorkdirMode.Shared },
    };

    /// <summary>Gets the <c>worker</c>: implements one task in its own directory.</summary>
    public static AgentProfile Worker { get; } = new()
    {
        AgentId = "worker",
        Name = "Worker",
        Role = "implements one task",
        Layer = AgentLayer.Low,
        Description = "Implements a single task in its own working directory and proves the result by running it.",
        Capabilities = ["code", "shell"],
        Skills = [Skill("sandbox-execution")],
        McpServers = [Mcp("filesystem")],
        Prompt = """
            You are a worker. Complete exactly the task you are given, nothing more, and leave the working
            directory in a state where the task's verification passes.
            """,
        Workdir = new WorkdirSettings { Mode = WorkdirMode.Isolated },
    };

    /// <summary>Gets the three built-in profiles: manager, supervisor, worker.</summary>
    public static IReadOnlyList<AgentProfile> All { get; } = Array.AsReadOnly([Manager, Supervisor, Worker]);

    private static TemplateReference Skill(string name, bool required = true) => new(TemplateKind.Skill, name, Required: required);

    private static TemplateReference Mcp(string name, bool required = true) => new(TemplateKind.Mcp, name, Required: required);
}
