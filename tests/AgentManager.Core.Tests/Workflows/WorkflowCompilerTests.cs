using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Workflows;

/// <summary>What the compiler gives each task: tasks with equal settings share their compiled settings, and each task
/// still gets its own when they differ, before or after tasks that have the defaults.</summary>
public sealed class WorkflowCompilerTests
{
    private static readonly IAgentRunner Worker = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));
    private static readonly IAgentRunner Other = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));

    [Fact]
    public void Compile_TasksBetweenDefaultOnes_KeepTheirOwnSettings()
    {
        var options = new AgentManagerOptions { WorkRoot = Path.Combine(Path.GetTempPath(), "am-compiler-tests") };
        var verifier = new NoVerifier();
        var definition = new WorkflowDefinition { Id = "wf-1", DefaultAgentId = "worker" };
        definition.Agents["worker"] = Worker;
        definition.Agents["other"] = Other;
        definition.Tasks.Add(new TaskDefinition("a"));
        var special = new TaskDefinition("b")
        {
            Title = "Special",
            Prompt = "do b",
            Priority = 5,
            MaxAttempts = 4,
            Timeout = TimeSpan.FromMinutes(2),
            Verifier = verifier,
            Workdir = "b",
        };
        special.Resources.Add("gpu");
        special.Artifacts.Add("out.txt");
        special.Metadata["k"] = "v";
        special.Dependencies.Add("a");
        definition.Tasks.Add(special);
        definition.Tasks.Add(new TaskDefinition("c"));
        definition.Tasks.Add(new TaskDefinition("d") { AgentId = "other", Prompt = "do d" });
        definition.Tasks.Add(new TaskDefinition("e"));

        var run = Compiler(options).Compile(definition);

        var byId = run.Tasks.ToDictionary(t => t.Id);
        Assert.Equal(["a", "b", "c", "d", "e"], run.Tasks.Select(t => t.Id));
        Assert.Equal([0, 1, 2, 3, 4], run.Tasks.Select(t => t.Ordinal));
        foreach (var id in new[] { "a", "c", "e" })
        {
            var task = byId[id];
            Assert.Equal(string.Empty, task.Prompt);
            Assert.Equal("worker", task.AgentId);
            Assert.Same(Worker, task.Runner);
            Assert.Empty(task.Resources);
            Assert.Null(task.Workdir);
            Assert.Equal(options.Retry.MaxAttempts, task.MaxAttempts);
            Assert.Equal(options.DefaultTaskTimeout, task.Timeout);
            Assert.Null(task.Verifier);
            Assert.Empty(task.Artifacts);
            Assert.Empty(task.Metadata);
            Assert.Equal(0, task.Priority);
            Assert.Null(task.Title);
        }

        var b = byId["b"];
        Assert.Equal(("Special", "do b", 5, 4, TimeSpan.FromMinutes(2)), (b.Title, b.Prompt, b.Priority, b.MaxAttempts, b.Timeout));
        Assert.Same(verifier, b.Verifier);
        Assert.Equal(Path.Combine(run.WorkRoot, "b"), b.Workdir);
        Assert.Equal(["gpu", "workdir:" + b.Workdir], b.Resources);
        Assert.Equal(["out.txt"], b.Artifacts);
        Assert.Equal("v", b.Metadata["k"]);
        Assert.Equal(["a"], b.Dependencies);
        Assert.Equal(("other", "do d"), (byId["d"].AgentId, byId["d"].Prompt));
        Assert.Same(Other, byId["d"].Runner);
        Assert.Same(byId["a"].Repair, byId["e"].Repair);
        foreach (var task in run.Tasks)
        {
            Assert.Same(task, run.TasksByIndex[task.Index]);
            Assert.Equal(task.Index, run.Graph.IndexOf(task.Id));
        }
    }

    /// <summary>A task keeps its dependencies as declared, repeats included, in a copy that later changes to the definition
    /// do not reach; each name is its task's id instance, so a large workflow keeps no second copy of the names; the
    /// graph counts a repeated dependency once.</summary>
    [Fact]
    public void Compile_Dependencies_KeptAsDeclaredWithTheTasksOwnIds()
    {
        var definition = new WorkflowDefinition { Id = "wf-1", DefaultAgentId = "worker" };
        definition.Agents["worker"] = Worker;
        definition.Tasks.Add(new TaskDefinition(string.Concat("a", "1")));
        definition.Tasks.Add(new TaskDefinition("b"));
        var c = new TaskDefinition("c");
        c.Dependencies.Add(string.Concat("a", "1"));
        c.Dependencies.Add("b");
        c.Dependencies.Add(string.Concat("a", "1"));
        definition.Tasks.Add(c);

        var run = Compiler(new AgentManagerOptions()).Compile(definition);
        c.Dependencies.Clear();

        var compiled = run.Tasks[2];
        Assert.Equal(["a1", "b", "a1"], compiled.Dependencies);
        Assert.Same(run.Tasks[0].Id, compiled.Dependencies[0]);
        Assert.Same(run.Tasks[0].Id, compiled.Dependencies[2]);
        Assert.Equal(["a1", "b"], run.Graph.GetDependencies("c"));
        Assert.Equal(2, run.Graph.DependencyCount);
        Assert.Empty(run.Tasks[0].Dependencies);
    }

    [Fact]
    public void Compile_RefusedDefinition_ReportsEveryBrokenRule()
    {
        var definition = new WorkflowDefinition { Id = "wf-1", DefaultAgentId = "worker" };
        definition.Agents["worker"] = Worker;
        definition.Tasks.Add(new TaskDefinition("a"));
        definition.Tasks.Add(new TaskDefinition("a"));
        definition.Tasks.Add(new TaskDefinition("b") { AgentId = "missing" });
        definition.Tasks.Add(new TaskDefinition("c") { MaxAttempts = 0 });
        definition.Tasks.Add(null!);
        definition.Tasks.Add(new TaskDefinition("bad id"));
        var d = new TaskDefinition("d");
        d.Dependencies.Add("d");
        d.Dependencies.Add("ghost");
        d.Dependencies.Add("ghost");
        d.Dependencies.Add(null!);
        d.Dependencies.Add("c");
        definition.Tasks.Add(d);

        var refused = Assert.Throws<WorkflowValidationException>(() => Compiler(new AgentManagerOptions()).Compile(definition));

        Assert.Contains(refused.Errors, e => e.Contains("'a' is used more than once", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Contains("agent 'missing'", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Contains("MaxAttempts 0", StringComparison.Ordinal));
        Assert.Contains("The task list contains a null entry.", refused.Errors);
        Assert.Contains(refused.Errors, e => e.Contains("'bad id'", StringComparison.Ordinal));
        Assert.Contains("Task 'd' depends on itself.", refused.Errors);
        Assert.Single(refused.Errors, e => e == "Task 'd' depends on 'ghost', which is not a task of this workflow.");
        Assert.Contains("Task 'd' depends on '', which is not a task of this workflow.", refused.Errors);
        Assert.Equal(refused.Errors.Distinct(), refused.Errors);
    }

    /// <summary>The runner found for one task's agent is reused for the next task of the same agent only: an unknown
    /// agent between known ones is refused for every task that names it, and the tasks around it keep their runners.</summary>
    [Fact]
    public void Compile_UnknownAgentBetweenKnownOnes_IsRefusedForEachTaskThatNamesIt()
    {
        var definition = new WorkflowDefinition { Id = "wf-1", DefaultAgentId = "worker" };
        definition.Agents["worker"] = Worker;
        definition.Tasks.Add(new TaskDefinition("a"));
        definition.Tasks.Add(new TaskDefinition("b") { AgentId = "ghost" });
        definition.Tasks.Add(new TaskDefinition("c"));
        definition.Tasks.Add(new TaskDefinition("d") { AgentId = "ghost" });

        var refused = Assert.Throws<WorkflowValidationException>(() => Compiler(new AgentManagerOptions()).Compile(definition));

        Assert.Equal(2, refused.Errors.Count);
        Assert.Contains(refused.Errors, e => e.StartsWith("Task 'b' names agent 'ghost', which is not registered", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.StartsWith("Task 'd' names agent 'ghost', which is not registered", StringComparison.Ordinal));
    }

    private static WorkflowCompiler Compiler(AgentManagerOptions options) =>
        new(options, new AgentRegistry([], new ServiceCollection().BuildServiceProvider()), TimeProvider.System);

    private sealed class NoVerifier : IVerifier
    {
        public ValueTask<VerificationResult> VerifyAsync(VerificationContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The compiler never runs a verifier.");
    }
}
