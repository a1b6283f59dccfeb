using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

public sealed class WorkflowEngineTests
{
    [Fact]
    public async Task RunAsync_Diamond_RunsEachTaskAfterItsDependencies()
    {
        var finished = new ConcurrentQueue<string>();
        var started = new ConcurrentDictionary<string, string[]>();
        var agent = Agent((inv, _) =>
        {
            started[inv.TaskId] = finished.ToArray();
            finished.Enqueue(inv.TaskId);
            return ValueTask.FromResult(AgentResult.Success("ok " + inv.TaskId));
        });
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(Workflow(agent, Task("a"), Task("b", "a"), Task("c", "a"), Task("d", "b", "c")));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(4, summary.Completed);
        Assert.Contains("a", started["b"]);
        Assert.Contains("a", started["c"]);
        Assert.Contains("b", started["d"]);
        Assert.Contains("c", started["d"]);
        Assert.All(summary.Tasks, t => Assert.Equal(1, t.Attempts));
    }

    [Fact]
    public async Task RunAsync_TenThousandTaskLayeredDag_CompletesEveryTaskOnce()
    {
        const int layers = 10;
        const int width = 1000;
        var runs = new ConcurrentDictionary<string, int>();
        var agent = Agent((inv, _) =>
        {
            runs.AddOrUpdate(inv.TaskId, 1, (_, n) => n + 1);
            return ValueTask.FromResult(AgentResult.Success());
        });
        var workflow = Workflow(agent);
        for (var layer = 0; layer < layers; layer++)
        {
            for (var j = 0; j < width; j++)
            {
                var task = Task($"t{layer}-{j}");
                if (layer > 0)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        task.Dependencies.Add($"t{layer - 1}-{(j + k) % width}");
                    }
                }

                workflow.Tasks.Add(task);
            }
        }

        await using var fixture = new EngineFixture(o => o.MaxConcurrency = 16);
        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(layers * width, summary.Completed);
        Assert.Equal(layers * width, runs.Count);
        Assert.All(runs.Values, n => Assert.Equal(1, n));
    }

    /// <summary>Synchronous agents finish while the attempts launched with them still wait in the thread pool,
    /// so the loop handles several results per turn: each task still runs once, never more than MaxConcurrency
    /// at a time, and every task moves through its lifecycle in order.</summary>
    [Fact]
    public async Task RunAsync_ManySynchronousTasksAboveMaxConcurrency_RunOnceWithinTheLimitInLifecycleOrder()
    {
        const int count = 500;
        var running = 0;
        var maxRunning = 0;
        var runs = new ConcurrentDictionary<string, int>();
        var agent = Agent((inv, _) =>
        {
            InterlockedMax(ref maxRunning, Interlocked.Increment(ref running));
            runs.AddOrUpdate(inv.TaskId, 1, (_, n) => n + 1);
            Interlocked.Decrement(ref running);
            return ValueTask.FromResult(AgentResult.Success());
        });
        var workflow = Workflow(agent);
        for (var i = 0; i < count; i++)
        {
            workflow.Tasks.Add(Task($"t{i}"));
        }

        await using var fixture = new EngineFixture(o => o.MaxConcurrency = 4);
        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(count, summary.Completed);
        Assert.Equal(count, runs.Count);
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        Assert.InRange(maxRunning, 1, 4);
        var transitions = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId);
        Assert.All(
            transitions.GroupBy(t => t.TaskId),
            moves => Assert.Equal([TaskState.Ready, TaskState.Implementing, TaskState.Verifying, TaskState.Completed], moves.Select(t => t.To)));
    }

    [Fact]
    public async Task RunAsync_FirstAttemptFails_RetriesWithThePreviousErrorAndCompletes()
    {
        var seenErrors = new ConcurrentQueue<string?>();
        var agent = Agent((inv, _) =>
        {
            seenErrors.Enqueue(inv.PreviousError);
            return ValueTask.FromResult(inv.Attempt == 1 ? AgentResult.Failure("flaky network") : AgentResult.Success());
        });
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(Workflow(agent, Task("a")));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(2, summary.Tasks[0].Attempts);
        Assert.Equal(new string?[] { null, "flaky network" }, seenErrors.ToArray());
        var transitions = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "a");
        Assert.Equal(
            [TaskState.Ready, TaskState.Implementing, TaskState.BlockedRepair, TaskState.Ready, TaskState.Implementing, TaskState.Verifying, TaskState.Completed],
            transitions.Select(t => t.To));
        Assert.Equal(TaskTrigger.Retry, transitions[3].Trigger);
        Assert.Equal("flaky network", transitions[2].Reason);
    }

    [Fact]
    public async Task RunAsync_AttemptsRunOut_TaskFailsAndDependentsAreCancelledWithTheReason()
    {
        var ran = new ConcurrentBag<string>();
        var agent = Agent((inv, _) =>
        {
            ran.Add(inv.TaskId);
            return ValueTask.FromResult(inv.TaskId == "broken" ? AgentResult.Failure("compile error") : AgentResult.Success());
        });
        var broken = Task("broken");
        broken.MaxAttempts = 2;
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(Workflow(agent, Task("root"), broken, Task("child", "broken"), Task("grandchild", "child", "root"), Task("independent", "root")));

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Contains("'broken'", summary.Reason, StringComparison.Ordinal);
        var byId = summary.Tasks.ToDictionary(t => t.TaskId);
        Assert.Equal(TaskState.Failed, byId["broken"].State);
        Assert.Equal(2, byId["broken"].Attempts);
        Assert.Contains("compile error", byId["broken"].LastError, StringComparison.Ordinal);
        Assert.Equal(TaskState.Cancelled, byId["child"].State);
        Assert.Equal("Dependency 'broken' failed.", byId["child"].LastError);
        Assert.Equal(TaskState.Cancelled, byId["grandchild"].State);
        Assert.Equal(TaskState.Completed, byId["independent"].State);
        Assert.DoesNotContain("child", ran);
        Assert.DoesNotContain("grandchild", ran);
        Assert.Equal((1, 2, 2), (summary.Failed, summary.Cancelled, summary.Completed));
    }

    [Fact]
    public async Task RunAsync_AgentThrows_CountsAsAFailedAttemptNamingTheException()
    {
        var agent = Agent((_, _) => throw new InvalidOperationException("boom"));
        var task = Task("a");
        task.MaxAttempts = 1;
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(Workflow(agent, task));

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Contains("InvalidOperationException", summary.Tasks[0].LastError, StringComparison.Ordinal);
        Assert.Contains("boom", summary.Tasks[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_VerificationFailsOnce_RetriesAndPasses()
    {
        var verifications = 0;
        var task = Task("a");
        task.Verifier = new DelegateVerifier((ctx, _) => ValueTask.FromResult(
            Interlocked.Increment(ref verifications) == 1 ? VerificationResult.Fail("tests red") : VerificationResult.Pass("tests green")));
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(Workflow(NoOp, task));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(2, summary.Tasks[0].Attempts);
        var transitions = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "a");
        var failed = Assert.Single(transitions, t => t.To == TaskState.BlockedRepair);
        Assert.Equal(TaskState.Verifying, failed.From);
        Assert.Equal("tests red", failed.Reason);
    }

    [Fact]
    public async Task RunAsync_MaxConcurrencyOne_StartsReadyTasksByPriorityThenFifo()
    {
        var order = new ConcurrentQueue<string>();
        var agent = Agent((inv, _) =>
        {
            order.Enqueue(inv.TaskId);
            return ValueTask.FromResult(AgentResult.Success());
        });
        var workflow = Workflow(agent, Task("gate"));
        foreach (var (id, priority) in new[] { ("low-1", 0), ("high-1", 9), ("mid", 5), ("low-2", 0), ("high-2", 9) })
        {
            var task = Task(id, "gate");
            task.Priority = priority;
            workflow.Tasks.Add(task);
        }

        await using var fixture = new EngineFixture(o => o.MaxConcurrency = 1);
        await fixture.RunAsync(workflow);

        Assert.Equal(["gate", "high-1", "high-2", "mid", "low-1", "low-2"], order.ToArray());
    }

    [Fact]
    public async Task RunAsync_TasksSharingAWorkdir_NeverOverlap()
    {
        var running = 0;
        var maxRunning = 0;
        var agent = Agent(async (inv, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            await System.Threading.Tasks.Task.Yield();
            await System.Threading.Tasks.Task.Delay(5, ct);
            Interlocked.Decrement(ref running);
            return AgentResult.Success();
        });
        var workflow = Workflow(agent);
        for (var i = 0; i < 8; i++)
        {
            var task = Task($"t{i}");
            task.Workdir = "shared";
            workflow.Tasks.Add(task);
        }

        await using var fixture = new EngineFixture(o => o.MaxConcurrency = 8);
        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task RunAsync_ResourceWithCapacityTwo_RunsTwoAtOnceButNeverThree()
    {
        var running = 0;
        var maxRunning = 0;
        var bothIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (inv, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            if (now == 2)
            {
                bothIn.TrySetResult();
            }

            // Each task holds its slot until two have been seen running together: with a capacity
            // of 1 this would never happen and the wait would fail the test.
            await bothIn.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            Interlocked.Decrement(ref running);
            return AgentResult.Success();
        });
        var workflow = Workflow(agent);
        for (var i = 0; i < 6; i++)
        {
            var task = Task($"t{i}");
            task.Resources.Add("model:x");
            workflow.Tasks.Add(task);
        }

        await using var fixture = new EngineFixture(o =>
        {
            o.MaxConcurrency = 8;
            o.ResourceCapacities["model:x"] = 2;
        });
        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(2, maxRunning);
    }

    [Fact]
    public async Task CancelAsync_WhileAnAgentRuns_StopsItAndCancelsEveryUnfinishedTask()
    {
        var agentStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agentSawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (inv, ct) =>
        {
            agentStarted.TrySetResult();
            try
            {
                await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                agentSawCancel.TrySetResult();
                throw;
            }

            return AgentResult.Success();
        });
        await using var fixture = new EngineFixture();
        var id = await fixture.Engine.CreateAsync(Workflow(agent, Task("slow"), Task("after", "slow")));
        await fixture.Engine.StartAsync(id);
        await agentStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await fixture.Engine.CancelAsync(id, "operator changed their mind");
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        await agentSawCancel.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
        Assert.Equal("operator changed their mind", summary.Reason);
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
        await Assert.ThrowsAsync<WorkflowStateException>(() => fixture.Engine.CancelAsync(id));
    }

    [Fact]
    public async Task RunAsync_PublishesWorkflowAndTaskEventsInOrder()
    {
        await using var fixture = new EngineFixture();
        var workflow = Workflow(NoOp, Task("a"), Task("b", "a"));
        workflow.Id = "events-wf";
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var subscription = fixture.Bus.Subscribe(new EventFilter("events-wf"), (e, _) =>
        {
            events.Enqueue(e);
            return ValueTask.CompletedTask;
        });

        await fixture.RunAsync(workflow);
        await WaitUntilAsync(() => events.Any(e => e.Type == EventTypes.WorkflowCompleted));

        var types = events.Select(e => e is TaskEvent t ? $"{t.Type}:{t.TaskId}" : e.Type).ToArray();
        Assert.Equal(
            [
                "workflow_created", "workflow_started",
                "task_ready:a", "task_started:a", "task_verifying:a", "task_completed:a",
                "task_ready:b", "task_started:b", "task_verifying:b", "task_completed:b",
                "workflow_completed",
            ],
            types);
        Assert.True(events.Select(e => e.Sequence).SequenceEqual(events.Select(e => e.Sequence).Order()));
    }

    [Fact]
    public async Task GetTransitionsAsync_RecordsEveryStepWithActorAttemptAndTime()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var fixture = new EngineFixture(time: time);

        var summary = await fixture.RunAsync(Workflow(NoOp, Task("a")));
        var transitions = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId);

        Assert.Equal(
            [(TaskState.Pending, TaskState.Ready), (TaskState.Ready, TaskState.Implementing), (TaskState.Implementing, TaskState.Verifying), (TaskState.Verifying, TaskState.Completed)],
            transitions.Select(t => (t.From, t.To)));
        Assert.All(transitions, t =>
        {
            Assert.Equal("a", t.TaskId);
            Assert.Equal(summary.WorkflowId, t.WorkflowId);
            Assert.Equal(TaskLifecycle.EngineActor, t.Actor);
            Assert.Equal(time.GetUtcNow(), t.Timestamp);
        });
        Assert.Equal([0, 1, 1, 1], transitions.Select(t => t.Attempt));
    }

    [Fact]
    public async Task CreateAsync_InvalidDefinition_ListsEveryProblemAndStoresNothing()
    {
        await using var fixture = new EngineFixture();
        var bad = Task("bad id");
        var escaping = Task("escape");
        escaping.Workdir = "../outside";
        var absolute = Task("absolute");
        absolute.Workdir = "/etc";
        var workflow = Workflow(NoOp, Task("a", "ghost"), Task("a"), bad, escaping, absolute);
        workflow.Id = "invalid-wf";
        workflow.Tasks.Add(new TaskDefinition("stranger") { AgentId = "nobody" });

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.Contains(ex.Errors, e => e.Contains("'ghost'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'a' is used more than once", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'bad id'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'../outside' is refused: '..' segments are not allowed", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'/etc' is refused: absolute paths are not allowed", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("agent 'nobody'", StringComparison.Ordinal) && e.Contains("known agents: agent", StringComparison.Ordinal));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetSummaryAsync("invalid-wf"));
    }

    [Fact]
    public async Task Validate_BrokenDefinition_ListsEveryRuleAsCreateDoes_AndStoresNothing()
    {
        await using var fixture = new EngineFixture();
        var workflow = Workflow(NoOp, Task("a", "ghost"), Task("b", "c"), Task("c", "b"));
        workflow.Id = "checked-only";
        workflow.Tasks.Add(new TaskDefinition("stranger") { AgentId = "nobody" });

        var validated = Assert.Throws<WorkflowValidationException>(() => fixture.Engine.Validate(workflow));
        var created = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.Equal(created.Errors, validated.Errors);
        Assert.Contains(validated.Errors, e => e.Contains("'ghost'", StringComparison.Ordinal));
        Assert.Contains(validated.Errors, e => e.Contains("agent 'nobody'", StringComparison.Ordinal));
        Assert.Throws<ArgumentNullException>(() => fixture.Engine.Validate(null!));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetSummaryAsync("checked-only"));
    }

    [Fact]
    public async Task Validate_ValidDefinition_StoresNothing_AndCreateStillWorksWithItsId()
    {
        await using var fixture = new EngineFixture();
        var workflow = Workflow(NoOp, Task("a"), Task("b", "a"));
        workflow.Id = "later";

        fixture.Engine.Validate(workflow);

        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetSummaryAsync("later"));
        Assert.Equal("later", await fixture.Engine.CreateAsync(workflow));
    }

    [Theory]
    [InlineData(0.0, "Task 'a' Timeout is 00:00:00; it must be positive")]
    [InlineData(60.0 * 24 * 60 * 60, "Task 'a' Timeout is 60.00:00:00; it must be positive and at most 49.17:02:47.2940000")]
    public async Task CreateAsync_TaskTimeoutOutsideTimerRange_IsRefusedAndNothingStored(double seconds, string expected)
    {
        await using var fixture = new EngineFixture();
        var task = Task("a");
        task.Timeout = TimeSpan.FromSeconds(seconds);
        var workflow = Workflow(NoOp, task);
        workflow.Id = "timeout-wf";

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.StartsWith(expected, Assert.Single(ex.Errors), StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetSummaryAsync("timeout-wf"));
    }

    /// <summary>A dependency named more than once counts once, in a short list (searched in place) and in a long
    /// one (over 16 names, de-duplicated by a set); a repeated unknown name is reported.</summary>
    [Fact]
    public async Task CreateAsync_RepeatedDependencies_CountOnceInShortAndLongLists()
    {
        var finished = new ConcurrentQueue<string>();
        var agent = Agent((inv, _) =>
        {
            finished.Enqueue(inv.TaskId);
            return ValueTask.FromResult(AgentResult.Success());
        });
        var many = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? "a" : "b").ToArray();
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(Workflow(agent, Task("a"), Task("b", "a", "a", "a"), Task("c", many)));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(["a", "b", "c"], finished.ToArray());
        foreach (var dependencies in new[] { new[] { "a", "ghost", "ghost" }, many.Append("ghost").Append("ghost").ToArray() })
        {
            var broken = Workflow(NoOp, Task("a"), Task("b"), Task("d", dependencies));
            var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(broken));
            Assert.Equal("Task 'd' depends on 'ghost', which is not a task of this workflow.", Assert.Single(ex.Errors));
        }
    }

    [Fact]
    public async Task CreateAsync_DependencyCycle_NamesTheWholeCycle()
    {
        await using var fixture = new EngineFixture();

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() =>
            fixture.Engine.CreateAsync(Workflow(NoOp, Task("a", "c"), Task("b", "a"), Task("c", "b"))));

        var error = Assert.Single(ex.Errors);
        Assert.Matches(@"(a -> c -> b -> a)|(b -> a -> c -> b)|(c -> b -> a -> c)", error);
    }

    [Fact]
    public async Task CreateAsync_SameIdTwice_SecondIsRefused()
    {
        await using var fixture = new EngineFixture();
        var first = Workflow(NoOp, Task("a"));
        first.Id = "twice";
        var second = Workflow(NoOp, Task("b"));
        second.Id = "twice";
        await fixture.Engine.CreateAsync(first);

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(second));

        Assert.Contains("'twice' is already in use", ex.Message, StringComparison.Ordinal);
        Assert.Equal("a", Assert.Single((await fixture.Engine.GetSummaryAsync("twice")).Tasks).TaskId);
    }

    [Fact]
    public async Task StartAsync_WhileRunningAndAfterFinishing_RefusedWithTheStatus()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return AgentResult.Success();
        });
        await using var fixture = new EngineFixture();
        var id = await fixture.Engine.CreateAsync(Workflow(agent, Task("a")));
        await fixture.Engine.StartAsync(id);

        var running = await Assert.ThrowsAsync<WorkflowStateException>(() => fixture.Engine.StartAsync(id));
        release.SetResult();
        await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        var finished = await Assert.ThrowsAsync<WorkflowStateException>(() => fixture.Engine.StartAsync(id));

        Assert.Equal((id, WorkflowStatus.Running), (running.WorkflowId, running.Status));
        Assert.Contains("only a created workflow starts", running.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowStatus.Completed, finished.Status);
        Assert.Contains($"Workflow '{id}' cannot start: it is already completed", finished.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_UnknownWorkflow_ThrowWorkflowNotFound()
    {
        await using var fixture = new EngineFixture();

        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.StartAsync("nope"));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.CancelAsync("nope"));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.WaitForCompletionAsync("nope"));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetSummaryAsync("nope"));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetTransitionsAsync("nope"));
    }

    [Fact]
    public async Task GetSummaryAsync_CreatedWorkflow_IsCreatedWithPendingTasks()
    {
        await using var fixture = new EngineFixture();
        var id = await fixture.Engine.CreateAsync(Workflow(NoOp, Task("a"), Task("b", "a")));

        var summary = await fixture.Engine.GetSummaryAsync(id);

        Assert.Equal(WorkflowStatus.Created, summary.Status);
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Pending, t.State));
        Assert.Null(summary.StartedAt);
    }

    internal static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await System.Threading.Tasks.Task.Delay(10);
        }

        Assert.True(condition(), "The condition did not become true within 30 s.");
    }
}
