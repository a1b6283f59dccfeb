using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The behaviour every <see cref="IStateStore"/> must have. Each implementation gets a subclass
/// that supplies a fresh, empty store; <see cref="StateStoreCoverageTests"/> checks none is missing.</summary>
public abstract partial class StateStoreContractTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    /// <summary>Creates an empty store for one test.</summary>
    protected abstract Task<IStateStore> CreateStoreAsync(CancellationToken cancellationToken);

    protected static WorkflowRecord Workflow(string id = "wf-1", WorkflowStatus status = WorkflowStatus.Created) => new()
    {
        WorkflowId = id,
        Name = "nightly build",
        Status = status,
        CreatedAt = Created,
        WorkRoot = "/runs/" + id,
        Metadata = new Dictionary<string, string> { ["team"] = "platform", ["ticket"] = "AM-7" },
    };

    protected static TaskRecord Task(string id, int ordinal, string workflowId = "wf-1", TaskState state = TaskState.Pending) => new()
    {
        WorkflowId = workflowId,
        TaskId = id,
        Ordinal = ordinal,
        Title = "Task " + id,
        State = state,
        Priority = ordinal * 10,
        AgentId = "worker",
        Dependencies = ordinal == 0 ? [] : ["t0"],
        Resources = ["model:x", "workdir:/runs/" + id],
    };

    protected static TaskTransition Transition(string taskId, TaskState from, TaskState to, TaskTrigger trigger, int attempt, int minute, string workflowId = "wf-1") =>
        new(workflowId, taskId, from, to, trigger, trigger == TaskTrigger.AttemptFailed ? "exit code 1" : null, TaskLifecycle.EngineActor, attempt, Created.AddMinutes(minute));

    private static StateChanges Changes(IEnumerable<WorkflowRecord>? workflows = null, IEnumerable<TaskRecord>? tasks = null, IEnumerable<TaskTransition>? transitions = null)
    {
        var changes = new StateChanges();
        changes.Workflows.AddRange(workflows ?? []);
        changes.Tasks.AddRange(tasks ?? []);
        foreach (var transition in transitions ?? [])
        {
            changes.Transitions.Add(transition);
            changes.Events.Add(transition);
        }

        return changes;
    }

    /// <summary>Batches of every size a store may split (the SQLite store writes 32, 4 and 1 rows per
    /// statement) keep every transition, each field and the order.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(37)]
    public async Task Commit_ManyTransitionsInOneBatch_ReadsThemBackInOrder(int count)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var transitions = Enumerable.Range(0, count)
            .Select(i => Transition("t" + (i % 3), TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, i, i))
            .ToList();

        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1), Task("t2", 2)], transitions), CancellationToken.None);

        Assert.Equal(transitions, await store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
        Assert.Equal(transitions.Where(t => t.TaskId == "t1"), await store.GetTransitionsAsync("wf-1", "t1", CancellationToken.None));
    }

    /// <summary>Task upserts split like transitions: every task of a large batch is stored with its own fields,
    /// and one that is already stored is updated, not duplicated.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public async Task Commit_ManyTasksInOneBatch_StoresEachTaskWithItsFields(int count)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0)]), CancellationToken.None);
        var tasks = Enumerable.Range(0, count).Select(i => Task("t" + i, i) with { Attempt = i + 1, State = TaskState.Ready }).ToList();

        await store.CommitAsync(Changes(tasks: tasks), CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(tasks.Select(t => (t.TaskId, t.Ordinal, t.Attempt, t.Priority, t.State)), read.Select(t => (t.TaskId, t.Ordinal, t.Attempt, t.Priority, t.State)));
        Assert.Equal(tasks.Select(t => string.Join(",", t.Resources)), read.Select(t => string.Join(",", t.Resources)));
    }

    [Fact]
    public async Task Commit_TasksOfTwoNewWorkflowsInterleavedInOneBatch_StoresEachWithItsWorkflow()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        TaskRecord[] tasks = [Task("a0", 0), Task("a1", 1), Task("b0", 0, "wf-2"), Task("a2", 2), Task("b1", 1, "wf-2"), Task("b2", 2, "wf-2"), Task("a3", 3)];

        await store.CommitAsync(Changes([Workflow(), Workflow("wf-2")], tasks), CancellationToken.None);

        Assert.Equal(["a0", "a1", "a2", "a3"], (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => t.TaskId));
        Assert.Equal(["b0", "b1", "b2"], (await store.GetTasksAsync("wf-2", CancellationToken.None)).Select(t => t.TaskId));
    }

    [Fact]
    public async Task Commit_SameTaskTwiceInOneBatch_KeepsTheLaterRecord()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var first = Task("t0", 0) with { State = TaskState.Ready, Attempt = 1 };
        var later = Task("t0", 0) with { State = TaskState.Implementing, Attempt = 2 };

        await store.CommitAsync(Changes([Workflow()], [first, later]), CancellationToken.None);

        var read = Assert.Single(await store.GetTasksAsync("wf-1", CancellationToken.None));
        Assert.Equal((TaskState.Implementing, 2), (read.State, read.Attempt));
    }

    /// <summary>A whole record replaces the row of its task id whatever its ordinal says: ordinals that are not the
    /// tasks' positions, shared by two tasks, or changed by a later record.</summary>
    [Fact]
    public async Task Commit_WholeRecordsWhoseOrdinalsAreNotTheirPositions_ReplaceTheRowOfTheirId()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("c", 7), Task("a", 0), Task("b", 0), Task("d", 1)]), CancellationToken.None);

        await store.CommitAsync(
            Changes(tasks:
            [
                Task("b", 0, state: TaskState.Ready),
                Task("a", 0, state: TaskState.Cancelled),
                Task("d", 9, state: TaskState.Ready),
                Task("c", 1, state: TaskState.Failed),
            ]),
            CancellationToken.None);

        var read = (await store.GetTasksAsync("wf-1", CancellationToken.None)).ToDictionary(t => t.TaskId);
        Assert.Equal(4, read.Count);
        Assert.Equal((TaskState.Cancelled, 0), (read["a"].State, read["a"].Ordinal));
        Assert.Equal((TaskState.Ready, 0), (read["b"].State, read["b"].Ordinal));
        Assert.Equal((TaskState.Failed, 1), (read["c"].State, read["c"].Ordinal));
        Assert.Equal((TaskState.Ready, 9), (read["d"].State, read["d"].Ordinal));
        Assert.Equal(TaskState.Failed, (await store.GetTaskAsync("wf-1", "c", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Commit_NewWorkflowAndTasks_ReadsBackEveryField()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var workflow = Workflow();
        var tasks = new[] { Task("t0", 0), Task("t1", 1) };

        await store.CommitAsync(Changes([workflow], tasks), CancellationToken.None);

        var read = await store.GetWorkflowAsync("wf-1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(workflow.WorkflowId, read.WorkflowId);
        Assert.Equal(workflow.Name, read.Name);
        Assert.Equal(workflow.Status, read.Status);
        Assert.Equal(workflow.CreatedAt, read.CreatedAt);
        Assert.Equal(workflow.CreatedAt.Offset, read.CreatedAt.Offset);
        Assert.Null(read.StartedAt);
        Assert.Equal(workflow.WorkRoot, read.WorkRoot);
        Assert.Equal(workflow.Metadata.OrderBy(p => p.Key), read.Metadata.OrderBy(p => p.Key));
        var readTasks = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(["t0", "t1"], readTasks.Select(t => t.TaskId));
        var t1 = readTasks[1];
        Assert.Equal(("Task t1", TaskState.Pending, 10, "worker"), (t1.Title, t1.State, t1.Priority, t1.AgentId));
        Assert.Equal(["t0"], t1.Dependencies);
        Assert.Equal(["model:x", "workdir:/runs/t1"], t1.Resources);
        Assert.Null(t1.LastError);
    }

    [Fact]
    public async Task Commit_LaterRecordOfATask_ReplacesTheEarlierOne()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0)]), CancellationToken.None);
        var finished = Created.AddMinutes(5);

        await store.CommitAsync(
            Changes(
                [Workflow(status: WorkflowStatus.Failed) with { StartedAt = Created.AddMinutes(1), FinishedAt = finished, Reason = "1 task(s) failed" }],
                [Task("t0", 0, state: TaskState.Failed) with { Attempt = 3, LastError = "boom", LastOutput = "tail", StartedAt = Created.AddMinutes(1), FinishedAt = finished }]),
            CancellationToken.None);

        var task = await store.GetTaskAsync("wf-1", "t0", CancellationToken.None);
        Assert.NotNull(task);
        Assert.Equal((TaskState.Failed, 3, "boom", "tail", finished), (task.State, task.Attempt, task.LastError, task.LastOutput, task.FinishedAt!.Value));
        var workflow = await store.GetWorkflowAsync("wf-1", CancellationToken.None);
        Assert.Equal((WorkflowStatus.Failed, "1 task(s) failed", finished), (workflow!.Status, workflow.Reason, workflow.FinishedAt!.Value));
        Assert.Single(await store.GetTasksAsync("wf-1", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_RepairLadderFields_ReadBack()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0)]), CancellationToken.None);

        var deadline = Created.AddHours(8);
        var usage = new AgentUsage { InputTokens = 12_345_678_901, OutputTokens = 42, Cost = 0.000123m };

        await store.CommitAsync(
            Changes(
                [Workflow(status: WorkflowStatus.Running) with { Usage = usage }],
                [Task("t0", 0, state: TaskState.BlockedHitl) with { Attempt = 4, Level = RepairLevel.Escalation, LevelAttempts = 1, CurrentAgentId = "manager", DeadlineAt = deadline, Usage = usage }]),
            CancellationToken.None);

        var task = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;
        Assert.Equal((RepairLevel.Escalation, 1, "manager"), (task.Level, task.LevelAttempts, task.CurrentAgentId));
        Assert.Equal((deadline, deadline.Offset), (task.DeadlineAt!.Value, task.DeadlineAt.Value.Offset));
        Assert.Equal(usage, task.Usage);
        Assert.Equal(usage, (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.Usage);
        var fresh = Task("t1", 1);
        Assert.Equal((RepairLevel.Retry, 0, null, null, AgentUsage.Zero), (fresh.Level, fresh.LevelAttempts, fresh.CurrentAgentId, fresh.DeadlineAt, fresh.Usage));
    }

    protected static HumanDecisionRecord Decision(string id, string workflowId = "wf-1", HumanAction action = HumanAction.Complete) => new()
    {
        DecisionId = id,
        WorkflowId = workflowId,
        TaskId = "t0",
        Action = action,
        Actor = "alice",
        Reason = "checked by hand",
        Status = HumanDecisionStatus.Pending,
        RequestedAt = Created.AddMinutes(3),
    };

    [Fact]
    public async Task EnqueueDecision_ReadsBackPendingByWorkflowOldestFirst()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("wf-1"), Workflow("wf-2")]), CancellationToken.None);

        await store.EnqueueDecisionAsync(Decision("d-2", action: HumanAction.Retry), CancellationToken.None);
        await store.EnqueueDecisionAsync(Decision("d-1", "wf-2", HumanAction.Cancel) with { CorrelationId = "req-7" }, CancellationToken.None);
        await store.EnqueueDecisionAsync(Decision("d-3", action: HumanAction.Fail), CancellationToken.None);

        Assert.Equal(["d-2", "d-1", "d-3"], (await store.GetPendingDecisionsAsync(null, CancellationToken.None)).Select(d => d.DecisionId));
        Assert.Equal(["d-2", "d-3"], (await store.GetPendingDecisionsAsync(["wf-1", "other"], CancellationToken.None)).Select(d => d.DecisionId));
        Assert.Empty(await store.GetPendingDecisionsAsync([], CancellationToken.None));
        var read = await store.GetDecisionAsync("d-1", CancellationToken.None);
        Assert.Equal(Decision("d-1", "wf-2", HumanAction.Cancel) with { CorrelationId = "req-7" }, read);
        Assert.Equal(Created.AddMinutes(3).Offset, read!.RequestedAt.Offset);
        Assert.Null(await store.GetDecisionAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_ResolvesQueuedDecisions_AndStoresDecisionsTakenInProcess()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0)]), CancellationToken.None);
        await store.EnqueueDecisionAsync(Decision("queued") with { CorrelationId = "req-1" }, CancellationToken.None);
        var resolvedAt = Created.AddMinutes(4);
        var changes = Changes(tasks: [Task("t0", 0, state: TaskState.Completed)]);
        changes.Decisions.Add(Decision("queued") with { Status = HumanDecisionStatus.Rejected, Outcome = "not blocked", ResolvedAt = resolvedAt, CorrelationId = "req-1" });
        changes.Decisions.Add(Decision("direct") with { Status = HumanDecisionStatus.Applied, Outcome = "completed", ResolvedAt = resolvedAt, CorrelationId = "req-2" });

        await store.CommitAsync(changes, CancellationToken.None);

        Assert.Empty(await store.GetPendingDecisionsAsync(null, CancellationToken.None));
        var queued = await store.GetDecisionAsync("queued", CancellationToken.None);
        Assert.Equal((HumanDecisionStatus.Rejected, "not blocked", resolvedAt, "req-1"), (queued!.Status, queued.Outcome, queued.ResolvedAt!.Value, queued.CorrelationId));
        var direct = await store.GetDecisionAsync("direct", CancellationToken.None);
        Assert.Equal((HumanDecisionStatus.Applied, "req-2"), (direct!.Status, direct.CorrelationId));
        Assert.Equal(TaskState.Completed, (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task EnqueueDecision_NotPendingUnknownWorkflowOrRepeatedId_IsRefusedAndStoresNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()]), CancellationToken.None);
        await store.EnqueueDecisionAsync(Decision("d-1"), CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(() => store.EnqueueDecisionAsync(Decision("d-2") with { Status = HumanDecisionStatus.Applied }, CancellationToken.None));
        var orphan = await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnqueueDecisionAsync(Decision("d-3", "ghost"), CancellationToken.None));
        var repeated = await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnqueueDecisionAsync(Decision("d-1") with { Reason = "again" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.EnqueueDecisionAsync(null!, CancellationToken.None));

        Assert.Contains("'ghost'", orphan.Message, StringComparison.Ordinal);
        Assert.Contains("'d-1'", repeated.Message, StringComparison.Ordinal);
        var pending = Assert.Single(await store.GetPendingDecisionsAsync(null, CancellationToken.None));
        Assert.Equal("checked by hand", pending.Reason);
    }

    [Fact]
    public async Task Commit_DecisionOfUnknownWorkflow_ThrowsAndStoresNothingOfTheBatch()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var changes = Changes([Workflow()]);
        changes.Decisions.Add(Decision("d-1", "ghost") with { Status = HumanDecisionStatus.Applied });

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Null(await store.GetWorkflowAsync("wf-1", CancellationToken.None));
        Assert.Null(await store.GetDecisionAsync("d-1", CancellationToken.None));
    }

    [Fact]
    public async Task GetTransitions_KeepsOrderAndFiltersByTask()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1)]), CancellationToken.None);
        TaskTransition[] history =
        [
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1),
            Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 2),
            Transition("t0", TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, 1, 3),
        ];
        await store.CommitAsync(Changes(transitions: history[..2]), CancellationToken.None);
        await store.CommitAsync(Changes(transitions: [history[2], Transition("t1", TaskState.Pending, TaskState.Cancelled, TaskTrigger.Cancel, 0, 4)]), CancellationToken.None);

        var all = await store.GetTransitionsAsync("wf-1", null, CancellationToken.None);
        var t0 = await store.GetTransitionsAsync("wf-1", "t0", CancellationToken.None);

        Assert.Equal(4, all.Count);
        Assert.Equal(history, t0);
        Assert.Equal("t1", all[3].TaskId);
    }

    /// <summary>Transition equality leaves the correlation id out, so this reads it explicitly: the request that
    /// caused a move is part of its history on every store.</summary>
    [Fact]
    public async Task GetTransitions_KeepsEachMovesCorrelationId()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        TaskTransition[] moves =
        [
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1) with { CorrelationId = "req-1" },
            Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 2),
            Transition("t1", TaskState.Pending, TaskState.Cancelled, TaskTrigger.Cancel, 0, 3) with { CorrelationId = "req-2" },
        ];

        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1)], moves), CancellationToken.None);

        Assert.Equal(["req-1", null, "req-2"], (await store.GetTransitionsAsync("wf-1", null, CancellationToken.None)).Select(t => t.CorrelationId));
        Assert.Equal(["req-2"], (await store.GetTransitionsAsync("wf-1", "t1", CancellationToken.None)).Select(t => t.CorrelationId));
    }

    [Fact]
    public async Task ListWorkflows_OldestFirst()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        foreach (var id in new[] { "b", "a", "c" })
        {
            await store.CommitAsync(Changes([Workflow(id)]), CancellationToken.None);
        }

        await store.CommitAsync(Changes([Workflow("a", WorkflowStatus.Running)]), CancellationToken.None);

        var list = await store.ListWorkflowsAsync(CancellationToken.None);
        Assert.Equal(["b", "a", "c"], list.Select(w => w.WorkflowId));
        Assert.Equal(WorkflowStatus.Running, list[1].Status);
    }

    [Fact]
    public async Task Reads_UnknownIds_ReturnNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        Assert.Null(await store.GetWorkflowAsync("nope", CancellationToken.None));
        Assert.Null(await store.GetTaskAsync("nope", "t", CancellationToken.None));
        Assert.Empty(await store.GetTasksAsync("nope", CancellationToken.None));
        Assert.Empty(await store.GetTransitionsAsync("nope", null, CancellationToken.None));
        Assert.Empty(await store.ListWorkflowsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Commit_TaskOfUnknownWorkflow_ThrowsAndStoresNothingOfTheBatch()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("known")]), CancellationToken.None);
        var changes = Changes([Workflow("wf-1")], [Task("t0", 0), Task("x", 0, workflowId: "ghost")]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Null(await store.GetWorkflowAsync("wf-1", CancellationToken.None));
        Assert.Empty(await store.GetTasksAsync("wf-1", CancellationToken.None));
        Assert.Single(await store.ListWorkflowsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Commit_AfterARefusedBatch_StoresTheNextBatch()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        TaskRecord[] refused = [.. Enumerable.Range(0, 5).Select(i => Task("t" + i, i, workflowId: i == 2 ? "ghost" : "wf-1"))];
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(Changes([Workflow()], refused), CancellationToken.None));
        var transition = Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1);

        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1)], [transition]), CancellationToken.None);

        Assert.Equal(["t0", "t1"], (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => t.TaskId));
        Assert.Equal([transition], await store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
    }

    [Fact]
    public async Task Commit_AlreadyCancelled_ThrowsAndStoresNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CommitAsync(Changes([Workflow()]), cancelled.Token));

        Assert.Null(await store.GetWorkflowAsync("wf-1", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_ConcurrentReaders_AlwaysSeeWholeBatches()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], Enumerable.Range(0, 20).Select(i => Task("t" + i, i))), CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var reader = System.Threading.Tasks.Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var states = (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => t.State).Distinct().ToList();
                Assert.Single(states);
                reads++;
            }
        });

        foreach (var state in new[] { TaskState.Ready, TaskState.Implementing, TaskState.Verifying, TaskState.Completed })
        {
            await store.CommitAsync(Changes(tasks: Enumerable.Range(0, 20).Select(i => Task("t" + i, i, state: state))), CancellationToken.None);
        }

        await stop.CancelAsync();
        await reader;
    }

    [Fact]
    public async Task Purge_RemovesOnlyWorkflowsFinishedBeforeTheCutoff_WithTheirHistory()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var cutoff = Created.AddDays(1);
        WorkflowRecord[] workflows =
        [
            Workflow("old-done", WorkflowStatus.Completed) with { FinishedAt = cutoff.AddMinutes(-1) },
            Workflow("old-failed", WorkflowStatus.Failed) with { FinishedAt = cutoff.AddDays(-1) },
            Workflow("new-done", WorkflowStatus.Completed) with { FinishedAt = cutoff.AddMinutes(1) },
            Workflow("old-running", WorkflowStatus.Running),
        ];
        foreach (var workflow in workflows)
        {
            await store.CommitAsync(
                Changes([workflow], [Task("t0", 0, workflow.WorkflowId)], [Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1, workflow.WorkflowId)]),
                CancellationToken.None);
        }

        await store.EnqueueDecisionAsync(Decision("old", "old-done"), CancellationToken.None);
        await store.EnqueueDecisionAsync(Decision("new", "new-done"), CancellationToken.None);

        var purged = await store.PurgeAsync(cutoff, CancellationToken.None);

        Assert.Equal(["old-done", "old-failed"], purged);
        Assert.Null(await store.GetDecisionAsync("old", CancellationToken.None));
        Assert.NotNull(await store.GetDecisionAsync("new", CancellationToken.None));
        Assert.Equal(["new-done", "old-running"], (await store.ListWorkflowsAsync(CancellationToken.None)).Select(w => w.WorkflowId));
        Assert.Empty(await store.GetTasksAsync("old-done", CancellationToken.None));
        Assert.Empty(await store.GetTransitionsAsync("old-done", null, CancellationToken.None));
        Assert.Single(await store.GetTransitionsAsync("new-done", null, CancellationToken.None));
        Assert.Empty(await store.PurgeAsync(cutoff, CancellationToken.None));
    }

    [Fact]
    public async Task Engine_RunsAWorkflowOnTheStore()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await using var fixture = new Workflows.EngineFixture(store: store);
        var workflow = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"), Workflows.EngineFixture.Task("b", "a"));
        workflow.Id = "on-store";

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(WorkflowStatus.Completed, (await store.GetWorkflowAsync("on-store", CancellationToken.None))!.Status);
        Assert.Equal(8, (await store.GetTransitionsAsync("on-store", null, CancellationToken.None)).Count);
    }
}
