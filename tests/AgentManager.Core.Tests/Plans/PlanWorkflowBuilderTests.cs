using System.Collections.Concurrent;
using AgentManager.Execution;
using AgentManager.Plans;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

public sealed class PlanWorkflowBuilderTests
{
    private static TaskPlan Confirmed(params PlanItem[] items) => new()
    {
        PlanId = "p1",
        Version = 4,
        Status = PlanStatus.Confirmed,
        ConfirmedVersion = 4,
        Items = items,
        Metadata = new Dictionary<string, string> { ["team"] = "docs", ["plan_id"] = "overridden" },
    };

    [Fact]
    public void Build_Plan_OneTaskPerItemWithEveryField()
    {
        var plan = Confirmed(
            Item("a") with
            {
                Title = "Write",
                Prompt = "write it",
                Description = "ignored: the prompt wins",
                Priority = 7,
                Workdir = "book",
                Verification = "test -s 'out file.md'",
                Resources = ["model:gpt"],
                MaxAttempts = 3,
                Timeout = TimeSpan.FromMinutes(2),
                Metadata = new Dictionary<string, string> { ["kind"] = "draft" },
            },
            Item("b", "a") with { Assignee = "supervisor", Verification = null });

        var workflow = PlanWorkflowBuilder.Build(plan);

        Assert.Equal("p1", workflow.Id);
        Assert.Equal("p1", workflow.Name);
        Assert.Null(workflow.DefaultAgentId);
        Assert.Empty(workflow.Agents);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "docs", ["plan_id"] = "p1", ["plan_version"] = "4" }, workflow.Metadata);
        Assert.Equal(["a", "b"], workflow.Tasks.Select(task => task.Id));
        var a = workflow.Tasks[0];
        Assert.Equal("Write", a.Title);
        Assert.Equal("write it", a.Prompt);
        Assert.Equal(7, a.Priority);
        Assert.Empty(a.Dependencies);
        Assert.Equal("worker", a.AgentId);
        Assert.Equal("book", a.Workdir);
        Assert.Equal(["test", "-s", "out file.md"], Assert.IsType<CommandVerifier>(a.Verifier).Command);
        Assert.Equal(["model:gpt"], a.Resources);
        Assert.Equal(3, a.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(2), a.Timeout);
        Assert.Equal("draft", a.Metadata["kind"]);
        var b = workflow.Tasks[1];
        Assert.Equal(["a"], b.Dependencies);
        Assert.Equal("supervisor", b.AgentId);
        Assert.Null(b.Verifier);
        Assert.Null(b.MaxAttempts);
        Assert.Null(b.Timeout);
    }

    [Theory]
    [InlineData("the prompt", "the description", "the prompt")]
    [InlineData(null, "the description", "the description")]
    [InlineData("  ", "the description", "the description")]
    [InlineData(null, null, "Do a")]
    [InlineData("", " ", "Do a")]
    public void Build_Prompt_IsThePromptThenTheDescriptionThenTheTitle(string? prompt, string? description, string expected)
    {
        var workflow = PlanWorkflowBuilder.Build(Confirmed(Item("a") with { Prompt = prompt, Description = description }));

        Assert.Equal(expected, workflow.Tasks[0].Prompt);
    }

    [Fact]
    public void Build_ResolveAgent_AddsEachAssigneeOnceAndLeavesUnresolvedOnesToTheEngine()
    {
        var worker = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));
        var asked = new List<string>();

        var workflow = PlanWorkflowBuilder.Build(
            Confirmed(Item("a"), Item("b"), Item("c") with { Assignee = "manager" }),
            agentId =>
            {
                asked.Add(agentId);
                return agentId == "worker" ? worker : null;
            });

        Assert.Equal(["worker", "manager"], asked);
        Assert.Same(worker, Assert.Single(workflow.Agents).Value);
        Assert.Equal("worker", workflow.Agents.Keys.Single());
    }

    [Fact]
    public void Build_InvalidOrEmptyPlan_ThrowsValidationNamingThePlan()
    {
        var empty = Assert.Throws<PlanValidationException>(() => PlanWorkflowBuilder.Build(Confirmed()));
        var cyclic = Assert.Throws<PlanValidationException>(() => PlanWorkflowBuilder.Build(Confirmed(Item("a", "b"), Item("b", "a"))));

        Assert.Equal("items", Assert.Single(empty.Errors).Field);
        Assert.Equal("p1", cyclic.PlanId);
        Assert.Equal("dependencies", Assert.Single(cyclic.Errors).Field);
    }

    [Fact]
    public void Build_ArgValidation() => Assert.Throws<ArgumentNullException>(() => PlanWorkflowBuilder.Build(null!));

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Build_ConfirmedPlan_RunsInTheEngineInDependencyOrderWithItsVerification()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan(
            "book",
            Item("outline") with { Workdir = "book", Prompt = "outline it" },
            Item("chapter", "outline") with { Workdir = "book/chapters", Verification = "test -d ." },
            Item("assemble", "chapter") with { Workdir = "book", Verification = "false", MaxAttempts = 1 }));
        var confirmed = await harness.Service.ConfirmAsync("book");
        var seen = new ConcurrentQueue<(string Task, string Prompt, string? AgentId, string? Workdir)>();
        var worker = new DelegateAgentRunner((invocation, _) =>
        {
            seen.Enqueue((invocation.TaskId, invocation.Prompt, invocation.Metadata.GetValueOrDefault("agent_id"), invocation.Workdir));
            return ValueTask.FromResult(AgentResult.Success());
        });
        var workflow = PlanWorkflowBuilder.Build(confirmed, agentId => agentId == "worker" ? worker : null);
        await using var engine = new EngineFixture();

        var summary = await engine.RunAsync(workflow);

        Assert.Equal("book", summary.WorkflowId);
        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal(["outline", "chapter", "assemble"], seen.Select(run => run.Task));
        Assert.Equal("worker", seen.First().AgentId);
        Assert.StartsWith("# Agent: Worker", seen.First().Prompt, StringComparison.Ordinal); // the built-in profile's prompt
        Assert.EndsWith("# Task\n\noutline it", seen.First().Prompt, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("book", "book", "chapters"), seen.ElementAt(1).Workdir, StringComparison.Ordinal);
        var states = summary.Tasks.ToDictionary(task => task.TaskId, task => task.State);
        Assert.Equal(AgentManager.Lifecycle.TaskState.Completed, states["chapter"]);
        Assert.Equal(AgentManager.Lifecycle.TaskState.Failed, states["assemble"]);
        Assert.Contains("Verification 'false' exited with code 1", summary.Tasks.Single(task => task.TaskId == "assemble").LastError, StringComparison.Ordinal);
    }
}
