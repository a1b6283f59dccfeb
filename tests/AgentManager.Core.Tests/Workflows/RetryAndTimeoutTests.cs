using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

public sealed class RetryAndTimeoutTests
{
    [Fact]
    public async Task Retry_WaitsForTheBackoffOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var agent = Agent((inv, _) => ValueTask.FromResult(
            Interlocked.Increment(ref attempts) < 3 ? AgentResult.Failure("not yet") : AgentResult.Success()));
        await using var fixture = new EngineFixture(
            o =>
            {
                o.Retry.InitialDelay = TimeSpan.FromSeconds(10);
                o.Retry.BackoffMultiplier = 3;
                o.Retry.MaxAttempts = 3;
            },
            time);
        var id = await fixture.Engine.CreateAsync(Workflow(agent, Task("a")));
        await fixture.Engine.StartAsync(id);

        await WaitForStateAsync(fixture, id, TaskState.BlockedRepair, attempt: 1);
        time.Advance(TimeSpan.FromSeconds(9));
        await AssertStaysAsync(fixture, id, TaskState.BlockedRepair, attempt: 1);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForStateAsync(fixture, id, TaskState.BlockedRepair, attempt: 2);
        time.Advance(TimeSpan.FromSeconds(29));
        await AssertStaysAsync(fixture, id, TaskState.BlockedRepair, attempt: 2);
        time.Advance(TimeSpan.FromSeconds(1));

        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(3, summary.Tasks[0].Attempts);
    }

    [Fact]
    public async Task Timeout_AgentOverItsLimit_IsCancelledAndCountedAsAFailedAttempt()
    {
        var time = new FakeTimeProvider();
        var sawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (_, ct) =>
        {
            ct.Register(() => sawCancel.TrySetResult());
            started.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        });
        var task = Task("slow");
        task.Timeout = TimeSpan.FromSeconds(5);
        task.MaxAttempts = 1;
        await using var fixture = new EngineFixture(time: time);
        var id = await fixture.Engine.CreateAsync(Workflow(agent, task));
        await fixture.Engine.StartAsync(id);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(5));

        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        // Awaited, not checked at once: the token runs the agent's Task.Delay callback (registered last) first, and
        // the attempt can end through it before the cancellation reaches the callback registered before it.
        await sawCancel.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Contains("timed out after 5 s", summary.Tasks[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_UsesTheEngineDefaultWhenTheTaskSetsNone()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (_, ct) =>
        {
            started.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        });
        var task = Task("slow");
        task.MaxAttempts = 1;
        await using var fixture = new EngineFixture(o => o.DefaultTaskTimeout = TimeSpan.FromMinutes(2), time);
        var id = await fixture.Engine.CreateAsync(Workflow(agent, task));
        await fixture.Engine.StartAsync(id);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(119));
        await AssertStaysAsync(fixture, id, TaskState.Implementing, attempt: 1);
        time.Advance(TimeSpan.FromSeconds(1));

        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("timed out after 120 s", summary.Tasks[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_VerifierOverTheVerificationTimeout_IsCancelledAndFailsTheAttempt()
    {
        var time = new FakeTimeProvider();
        var verifying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task("checked");
        task.MaxAttempts = 1;
        task.Verifier = new DelegateVerifier(async (_, ct) =>
        {
            verifying.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return VerificationResult.Pass();
        });
        await using var fixture = new EngineFixture(o => o.VerificationTimeout = TimeSpan.FromSeconds(30), time);
        var id = await fixture.Engine.CreateAsync(Workflow(Agent((_, _) => ValueTask.FromResult(AgentResult.Success())), task));
        await fixture.Engine.StartAsync(id);
        await verifying.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The verifier starts on the worker before the loop has recorded Verifying and the step's deadline.
        await WaitForStateAsync(fixture, id, TaskState.Verifying, attempt: 1);
        time.Advance(TimeSpan.FromSeconds(29));
        await AssertStaysAsync(fixture, id, TaskState.Verifying, attempt: 1);
        time.Advance(TimeSpan.FromSeconds(1));

        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Contains("Verification timed out after 30 s", summary.Tasks[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_AgentThenVerifierEachWithinItsLimit_EachLimitCountsFromItsStepsStart()
    {
        var time = new FakeTimeProvider();
        var agentStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var verifying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (_, ct) =>
        {
            var delay = System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(4), time, ct);
            agentStarted.TrySetResult();
            await delay;
            return AgentResult.Success();
        });
        var task = Task("checked");
        task.Timeout = TimeSpan.FromSeconds(5);
        task.MaxAttempts = 1;
        task.Verifier = new DelegateVerifier(async (_, ct) =>
        {
            var delay = System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(9), time, ct);
            verifying.TrySetResult();
            await delay;
            return VerificationResult.Pass();
        });
        await using var fixture = new EngineFixture(o => o.VerificationTimeout = TimeSpan.FromSeconds(10), time);
        var id = await fixture.Engine.CreateAsync(Workflow(agent, task));
        await fixture.Engine.StartAsync(id);
        await agentStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(4));
        await verifying.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(9));

        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
    }

    [Fact]
    public async Task Retry_WithoutBackoff_RunsTheNextAttemptAtOnceWithoutTheClockMoving()
    {
        var time = new FakeTimeProvider();
        var errors = new List<string?>();
        var agent = Agent((inv, _) =>
        {
            lock (errors)
            {
                errors.Add(inv.PreviousError);
            }

            return ValueTask.FromResult(inv.Attempt < 3 ? AgentResult.Failure($"failure {inv.Attempt}") : AgentResult.Success());
        });
        await using var fixture = new EngineFixture(o => o.Retry.MaxAttempts = 3, time);

        var summary = await fixture.RunAsync(Workflow(agent, Task("a")));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(3, summary.Tasks[0].Attempts);
        Assert.Equal([null, "failure 1", "failure 2"], errors);
        var history = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "a");
        Assert.Equal(["Attempt 2 of 3 after: failure 1", "Attempt 3 of 3 after: failure 2"], history.Where(t => t.Trigger == TaskTrigger.Retry).Select(t => t.Reason));
    }

    /// <summary>An attempt tells the engine loop when its verification begins and when it ends: over several attempts
    /// each of a task's moves comes once, in order, with its attempt's number, and the last attempt's output is kept.</summary>
    [Fact]
    public async Task Retry_VerifierRejectsTwiceThenPasses_RecordsEachAttemptsMovesInOrder()
    {
        var agent = Agent((inv, _) => ValueTask.FromResult(AgentResult.Success($"output {inv.Attempt}")));
        var task = Task("a");
        task.MaxAttempts = 3;
        task.Verifier = new DelegateVerifier((context, _) => ValueTask.FromResult(
            context.Invocation.Attempt < 3 ? VerificationResult.Fail($"rejected {context.Invocation.Attempt}") : VerificationResult.Pass()));
        AgentManager.Persistence.IStateStore? store = null;
        await using var fixture = new EngineFixture(capture: services => store = services.GetRequiredService<AgentManager.Persistence.IStateStore>());

        var summary = await fixture.RunAsync(Workflow(agent, task));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(3, summary.Tasks[0].Attempts);
        Assert.Equal("output 3", (await store!.GetTaskAsync(summary.WorkflowId, "a", CancellationToken.None))!.LastOutput);
        var history = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "a");
        TaskTrigger[] attempt = [TaskTrigger.Start, TaskTrigger.ImplementationSucceeded];
        Assert.Equal(
            [TaskTrigger.DependenciesMet, .. attempt, TaskTrigger.AttemptFailed, TaskTrigger.Retry, .. attempt, TaskTrigger.AttemptFailed, TaskTrigger.Retry, .. attempt, TaskTrigger.VerificationPassed],
            history.Select(t => t.Trigger));
        Assert.Equal([0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3], history.Select(t => t.Attempt));
        Assert.Equal(["rejected 1", "rejected 2"], history.Where(t => t.Trigger == TaskTrigger.AttemptFailed).Select(t => t.Reason));
    }

    private static async Task WaitForStateAsync(EngineFixture fixture, string id, TaskState state, int attempt)
    {
        for (var i = 0; i < 3000; i++)
        {
            var task = (await fixture.Engine.GetSummaryAsync(id)).Tasks[0];
            if (task.State == state && task.Attempts == attempt)
            {
                return;
            }

            await System.Threading.Tasks.Task.Delay(10);
        }

        Assert.Fail($"The task did not reach {state} at attempt {attempt}.");
    }

    /// <summary>Lets the engine settle (several loop turns) and checks nothing moved: the time has not come.</summary>
    private static async Task AssertStaysAsync(EngineFixture fixture, string id, TaskState state, int attempt)
    {
        for (var i = 0; i < 5; i++)
        {
            await System.Threading.Tasks.Task.Delay(20);
            var task = (await fixture.Engine.GetSummaryAsync(id)).Tasks[0];
            Assert.Equal((state, attempt), (task.State, task.Attempts));
        }
    }
}
