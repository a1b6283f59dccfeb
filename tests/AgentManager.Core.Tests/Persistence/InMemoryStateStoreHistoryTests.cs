using System.Runtime.CompilerServices;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The in-memory store keeps a move as its values once its workflow is marked published, and its event log
/// refers to history slots: what a user reads back is the same as when the store held the published objects.</summary>
public sealed class InMemoryStateStoreHistoryTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    private readonly InMemoryStateStore _store = new();

    /// <summary>Every event committed, with the sequence the log gave it.</summary>
    private readonly List<(long Sequence, AgentManagerEvent Event)> _logged = [];

    private long _logSequence;

    private long _busSequence = 100;

    private static WorkflowRecord Workflow(string id, WorkflowStatus status = WorkflowStatus.Running) => new()
    {
        WorkflowId = id,
        Name = "history " + id,
        Status = status,
        CreatedAt = Epoch,
        FinishedAt = status.IsFinished() ? Epoch.AddHours(1) : null,
        WorkRoot = "/runs/" + id,
    };

    private static TaskTransition Move(string workflowId, string taskId, TaskTrigger trigger, int minute, string? correlationId = null)
    {
        var (from, to, attempt) = trigger switch
        {
            TaskTrigger.DependenciesMet => (TaskState.Pending, TaskState.Ready, 0),
            TaskTrigger.Start => (TaskState.Ready, TaskState.Implementing, 1),
            TaskTrigger.AttemptFailed => (TaskState.Implementing, TaskState.BlockedRepair, 1),
            TaskTrigger.ImplementationSucceeded => (TaskState.Implementing, TaskState.Verifying, 1),
            _ => (TaskState.Verifying, TaskState.Completed, 1),
        };
        return new TaskTransition(workflowId, taskId, from, to, trigger, trigger == TaskTrigger.AttemptFailed ? "tests fail" : null, TaskLifecycle.EngineActor, attempt, Epoch.AddMinutes(minute))
        {
            CorrelationId = correlationId,
        };
    }

    private static TaskTransition[] Lifecycle(string workflowId, string taskId, int minute, string? correlationId = null) =>
    [
        Move(workflowId, taskId, TaskTrigger.DependenciesMet, minute, correlationId),
        Move(workflowId, taskId, TaskTrigger.Start, minute + 1, correlationId),
        Move(workflowId, taskId, TaskTrigger.ImplementationSucceeded, minute + 2, correlationId),
        Move(workflowId, taskId, TaskTrigger.VerificationPassed, minute + 3, correlationId),
    ];

    /// <summary>Commits a batch as the engine makes it (each move in the transitions and, in the same order, in the
    /// events) and stamps its events with bus sequences as publishing them does.</summary>
    private async Task CommitAsync(IEnumerable<AgentManagerEvent> events, WorkflowRecord[]? workflows = null, string[]? published = null, bool publish = true)
    {
        var changes = new StateChanges();
        changes.Workflows.AddRange(workflows ?? []);
        changes.PublishedWorkflows.AddRange(published ?? []);
        foreach (var @event in events)
        {
            if (@event is TaskTransition move)
            {
                changes.Transitions.Add(move);
            }

            changes.Events.Add(@event);
        }

        await _store.CommitAsync(changes, CancellationToken.None);
        foreach (var @event in changes.Events)
        {
            _logged.Add((++_logSequence, @event));
            if (publish)
            {
                @event.Sequence = ++_busSequence;
            }
        }
    }

    private Task MarkAsync(params string[] workflowIds) => CommitAsync([], published: workflowIds);

    private async Task AssertReadsAsync(string workflowId, IReadOnlyList<TaskTransition> history)
    {
        var transitions = await _store.GetTransitionsAsync(workflowId, null, CancellationToken.None);
        AssertSameMoves(history, transitions);
        foreach (var taskId in history.Select(t => t.TaskId).Distinct())
        {
            AssertSameMoves(history.Where(t => t.TaskId == taskId).ToArray(), await _store.GetTransitionsAsync(workflowId, taskId, CancellationToken.None));
        }

        var expected = _logged.Where(l => l.Event.WorkflowId == workflowId).Select(l => EventLog.Entry(l.Sequence, l.Event)).ToArray();
        var log = await _store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(workflowId), Limit = EventLogQuery.MaxLimit }, CancellationToken.None);
        Assert.Equal(expected, log);
        AssertSameMoves(expected.Where(e => e.Transition is not null).Select(e => e.Transition!).ToArray(), log.Where(e => e.Transition is not null).Select(e => e.Transition!).ToArray());
        var newest = await _store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(workflowId), Limit = EventLogQuery.MaxLimit, NewestFirst = true }, CancellationToken.None);
        Assert.Equal(expected.Reverse(), newest);
    }

    /// <summary>Equal moves (the nine values) with the parts equality leaves out: correlation id, sequence, type.</summary>
    private static void AssertSameMoves(IReadOnlyList<TaskTransition> expected, IReadOnlyList<TaskTransition> actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Select(t => (t.CorrelationId, t.Sequence, t.Type, t.Timestamp.Offset)), actual.Select(t => (t.CorrelationId, t.Sequence, t.Type, t.Timestamp.Offset)));
    }

    [Fact]
    public async Task Reads_AfterTheMark_GiveEqualMovesWithTheirCorrelationIdAndBusSequence()
    {
        var history = Lifecycle("wf-1", "a", 1, "req-1").Concat(Lifecycle("wf-1", "b", 2)).ToArray();
        await CommitAsync([new WorkflowEvent(EventTypes.WorkflowStarted, "wf-1", Epoch) { CorrelationId = "req-1" }, .. history[..5]], [Workflow("wf-1")]);
        await CommitAsync(history[5..]);

        var beforeMark = await _store.GetTransitionsAsync("wf-1", null, CancellationToken.None);
        await MarkAsync("wf-1");
        var afterMark = await _store.GetTransitionsAsync("wf-1", null, CancellationToken.None);

        Assert.All(beforeMark.Zip(history), pair => Assert.Same(pair.Second, pair.First));
        Assert.All(afterMark.Zip(history), pair => Assert.NotSame(pair.Second, pair.First));
        AssertSameMoves(history, afterMark);
        Assert.Equal(["req-1", "req-1", "req-1", "req-1", null, null, null, null], afterMark.Select(t => t.CorrelationId));
        Assert.Equal(Enumerable.Range(102, 8).Select(i => (long)i), afterMark.Select(t => t.Sequence));
        await AssertReadsAsync("wf-1", history);
    }

    [Fact]
    public async Task Reads_AfterTheMark_KeepEachMovesOwnReasonActorCorrelationIdAndTime()
    {
        string?[] reasons = [null, "tests fail", null, new string("tests fail".AsSpan()), "timed out"];
        string[] actors = [TaskLifecycle.EngineActor, TaskLifecycle.EngineActor, "ana", "ana", TaskLifecycle.EngineActor];
        string?[] correlations = ["req-1", "req-1", null, "req-2", "req-2"];
        var moves = Enumerable.Range(0, 5)
            .Select(i => new TaskTransition("wf-1", "t" + i, TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, reasons[i], actors[i], i, Epoch.AddMinutes(i / 2).ToOffset(TimeSpan.FromMinutes(-90 * i))) { CorrelationId = correlations[i] })
            .ToArray();
        await CommitAsync([moves[0], moves[1]], [Workflow("wf-1")]);
        await MarkAsync("wf-1");
        await CommitAsync(moves[2..]);
        await MarkAsync("wf-1");

        var read = await _store.GetTransitionsAsync("wf-1", null, CancellationToken.None);

        AssertSameMoves(moves, read);
        Assert.Equal(reasons, read.Select(t => t.Reason));
        Assert.Equal(actors, read.Select(t => t.Actor));
    }

    /// <summary>The moves of a turn of retries: moves without a reason share their common parts across the moves with
    /// reasons between them, and neither kind takes the other's reason, nor a neighbour's correlation id.</summary>
    [Fact]
    public async Task Reads_AfterTheMark_OfMovesWithAndWithoutReasonsInterleaved_KeepEachMovesOwnValues()
    {
        string?[] reasons = [null, "Attempt 2 of 3 after: not yet", null, "not yet", null, null, "Attempt 3 of 3 after: not yet"];
        string?[] correlations = ["req-1", "req-1", "req-1", "req-1", "req-2", "req-1", "req-1"];
        var moves = Enumerable.Range(0, reasons.Length)
            .Select(i => new TaskTransition("wf-1", "t" + i, TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, reasons[i], TaskLifecycle.EngineActor, 1, Epoch) { CorrelationId = correlations[i] })
            .ToArray();
        await CommitAsync(moves, [Workflow("wf-1")]);
        await MarkAsync("wf-1");

        var read = await _store.GetTransitionsAsync("wf-1", null, CancellationToken.None);

        AssertSameMoves(moves, read);
        Assert.Equal(reasons, read.Select(t => t.Reason));
        Assert.Equal(correlations, read.Select(t => t.CorrelationId));
    }

    [Fact]
    public async Task Reads_OfAMoveNeverPublished_GiveSequenceZeroAfterTheMark()
    {
        var move = Move("wf-1", "a", TaskTrigger.DependenciesMet, 1);
        await CommitAsync([move], [Workflow("wf-1")], publish: false);
        await MarkAsync("wf-1");

        var read = Assert.Single(await _store.GetTransitionsAsync("wf-1", null, CancellationToken.None));

        Assert.Equal(move, read);
        Assert.Equal(0, read.Sequence);
    }

    [Fact]
    public async Task UnpublishedEvents_OfMovesInTheLog_AreNewCopiesUntilMarked()
    {
        var moves = Lifecycle("wf-1", "a", 1, "req-1");
        await CommitAsync([.. moves[..2]], [Workflow("wf-1")]);
        await MarkAsync("wf-1");
        await CommitAsync([.. moves[2..]]);

        var unpublished = await _store.ReadUnpublishedEventsAsync("wf-1", CancellationToken.None);

        Assert.Equal(moves[2..], unpublished);
        Assert.All(unpublished.Zip(moves[2..]), pair => Assert.NotSame(pair.Second, pair.First));
        Assert.All(unpublished, e => Assert.Equal((0L, "req-1"), (e.Sequence, e.CorrelationId)));
        Assert.Equal(unpublished, await _store.ReadUnpublishedEventsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAndPurge_OneWorkflowAmongSeveral_LeaveTheOthersHistoriesAndLogsIntact()
    {
        var histories = new Dictionary<string, List<TaskTransition>> { ["a"] = [], ["b"] = [], ["c"] = [], ["d"] = [] };
        await CommitAsync([], [Workflow("a"), Workflow("b", WorkflowStatus.Completed), Workflow("c"), Workflow("d", WorkflowStatus.Completed)]);
        for (var round = 0; round < 3; round++)
        {
            // Moves of several workflows in one batch, interleaved with other events: runs of one workflow's slots.
            var batch = new List<AgentManagerEvent>();
            foreach (var id in new[] { "a", "b", "c", "d" })
            {
                var moves = Lifecycle(id, "t" + round, 10 * round, id == "c" ? null : "req-" + id);
                histories[id].AddRange(moves);
                batch.AddRange(moves[..2]);
                batch.Add(new WorkflowEvent(EventTypes.WorkflowStarted, id, Epoch.AddMinutes(round)));
                batch.AddRange(moves[2..]);
            }

            await CommitAsync(batch);
            await MarkAsync(round == 1 ? ["a", "b"] : ["b", "d"]);
        }

        Assert.True(await _store.DeleteWorkflowAsync("b", CancellationToken.None));
        Assert.Equal(["d"], await _store.PurgeAsync(Epoch.AddDays(1), CancellationToken.None));
        _logged.RemoveAll(l => l.Event.WorkflowId is "b" or "d");

        foreach (var id in new[] { "a", "c" })
        {
            await AssertReadsAsync(id, histories[id]);
        }

        Assert.Empty(await _store.GetTransitionsAsync("b", null, CancellationToken.None));
        Assert.Empty(await _store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("d") }, CancellationToken.None));

        // The kept workflows go on: their new moves take the next slots, and a re-created "b" starts a history anew.
        var more = Lifecycle("a", "late", 99).Concat(Lifecycle("c", "late", 99)).Concat(Lifecycle("b", "again", 99)).ToArray();
        await CommitAsync(more, [Workflow("b")]);
        var committedOfC = _logged.Where(l => l.Event.WorkflowId == "c").Select(l => l.Event).ToArray();
        var unpublishedOfC = await _store.ReadUnpublishedEventsAsync("c", CancellationToken.None);
        Assert.Equal(committedOfC.Select(e => e.Type), unpublishedOfC.Select(e => e.Type));
        Assert.Equal(committedOfC.OfType<TaskTransition>(), unpublishedOfC.OfType<TaskTransition>());
        await MarkAsync("a", "b", "c");
        histories["a"].AddRange(more[..4]);
        histories["c"].AddRange(more[4..8]);
        foreach (var id in new[] { "a", "b", "c" })
        {
            await AssertReadsAsync(id, id == "b" ? more[8..] : histories[id]);
        }

        Assert.Empty(await _store.ReadUnpublishedEventsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task ReadEvents_WindowsTypesAndPages_AcrossRunsOfMoves_MatchTheEventsAsCommitted()
    {
        await CommitAsync([], [Workflow("wf-1"), Workflow("wf-2")]);
        for (var i = 0; i < 6; i++)
        {
            var id = i % 3 == 2 ? "wf-2" : "wf-1";
            await CommitAsync([.. Lifecycle(id, "t" + i, i), new WorkflowEvent(EventTypes.WorkflowStarted, id, Epoch), .. Lifecycle(id, "u" + i, i)]);
            if (i % 2 == 1)
            {
                await MarkAsync("wf-1", "wf-2");
            }
        }

        EventLogQuery[] queries =
        [
            new() { Limit = EventLogQuery.MaxLimit },
            new() { After = 5, Before = 30, Limit = 7 },
            new() { After = 3, Limit = 1000, NewestFirst = true },
            new() { Before = 41, Limit = 5, NewestFirst = true },
            new() { Filter = new EventFilter("wf-2", [EventTypes.TaskStarted, EventTypes.WorkflowStarted]), Limit = 1000 },
            new() { Filter = new EventFilter(types: ["task_*"]), After = 12, Limit = 9, NewestFirst = true },
        ];
        foreach (var query in queries)
        {
            var expected = (query.NewestFirst ? _logged.AsEnumerable().Reverse() : _logged)
                .Where(l => l.Sequence > query.After && (query.Before is null || l.Sequence < query.Before) && query.Filter.Matches(l.Event))
                .Take(query.Limit)
                .Select(l => EventLog.Entry(l.Sequence, l.Event));

            Assert.Equal(expected, await _store.ReadEventsAsync(query, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Commit_MovesOutOfTheEventsOrder_KeepsBothOrders()
    {
        var (first, second, third) = (Move("wf-1", "a", TaskTrigger.DependenciesMet, 1), Move("wf-1", "b", TaskTrigger.DependenciesMet, 2), Move("wf-1", "c", TaskTrigger.DependenciesMet, 3));
        var changes = new StateChanges();
        changes.Workflows.Add(Workflow("wf-1"));
        changes.Transitions.AddRange([first, second, third]);
        changes.Events.AddRange([second, first]);
        await _store.CommitAsync(changes, CancellationToken.None);
        await MarkAsync("wf-1");

        Assert.Equal([first, second, third], await _store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
        var log = await _store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);
        Assert.Equal([second, first], log.Select(e => e.Transition));
        Assert.Equal([1L, 2L], log.Select(e => e.Sequence));
    }

    [Fact]
    public void StoredMove_Compacted_GivesBackTheMoveAndAnUnpublishedCopy()
    {
        var move = Move("wf-1", "a", TaskTrigger.AttemptFailed, 5, "req-9");
        move.Sequence = 77;
        var slot = new StoredMove(move);

        var lasts = default(MoveCommons);
        slot.Compact(ref lasts);

        Assert.True(slot.IsCompact);
        AssertSameMoves([move], [slot.ToMove("wf-1", in lasts)]);
        var copy = slot.ToUnpublished("wf-1");
        Assert.Equal(move, copy);
        Assert.Equal((0L, "req-9", "tests fail"), (copy.Sequence, copy.CorrelationId, copy.Reason));
        Assert.Equal(EventTypes.TaskAttemptFailed, slot.Type);
    }

    [Fact]
    public void StoredMoves_CompactedOneAfterAnother_GiveBackEachMovesSequence_AndZeroForOneNeverPublished()
    {
        var moves = new[] { Move("wf-1", "a", TaskTrigger.DependenciesMet, 1), Move("wf-1", "a", TaskTrigger.Start, 2), Move("wf-1", "b", TaskTrigger.DependenciesMet, 3) };
        (moves[0].Sequence, moves[1].Sequence, moves[2].Sequence) = (5_000_000_000, 0, 5_000_000_007);
        var slots = moves.Select(m => new StoredMove(m)).ToArray();

        var lasts = default(MoveCommons);
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i].Compact(ref lasts);
        }

        Assert.All(slots, s => Assert.True(s.IsCompact));
        AssertSameMoves(moves, slots.Select(s => s.ToMove("wf-1", in lasts)).ToArray());
    }

    [Fact]
    public void StoredMove_WhoseAttemptOrSequenceDoesNotFitTheSlot_StaysTheObject()
    {
        var first = Move("wf-1", "a", TaskTrigger.DependenciesMet, 1);
        first.Sequence = 10;
        var later = Move("wf-1", "a", TaskTrigger.Start, 2);
        later.Sequence = 11L + int.MaxValue;
        var manyAttempts = new TaskTransition("wf-1", "b", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, null, TaskLifecycle.EngineActor, 70_000, Epoch);
        var slots = new[] { new StoredMove(first), new StoredMove(later), new StoredMove(manyAttempts) };

        var lasts = default(MoveCommons);
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i].Compact(ref lasts);
        }

        Assert.Equal([true, false, false], slots.Select(s => s.IsCompact));
        Assert.Same(later, slots[1].ToMove("wf-1", in lasts));
        Assert.Same(manyAttempts, slots[2].ToMove("wf-1", in lasts));
        AssertSameMoves([first], [slots[0].ToMove("wf-1", in lasts)]);
    }

    [Fact]
    public void Segments_OfHistoryAndLog_StayBelowTheLargeObjectThreshold()
    {
        Assert.True(Unsafe.SizeOf<StoredMove>() <= 24, $"StoredMove is {Unsafe.SizeOf<StoredMove>()} bytes");
        Assert.True(Unsafe.SizeOf<LoggedEvent>() <= 24, $"LoggedEvent is {Unsafe.SizeOf<LoggedEvent>()} bytes");
        Assert.True(SegmentedList<StoredMove>.ItemsPerSegment * Unsafe.SizeOf<StoredMove>() < 85_000 - 32);
        Assert.True(SegmentedList<LoggedEvent>.ItemsPerSegment * Unsafe.SizeOf<LoggedEvent>() < 85_000 - 32);
        Assert.Equal(2048, SegmentedList<LoggedEvent>.ItemsPerSegment);
        Assert.Equal(2048, SegmentedList<StoredMove>.ItemsPerSegment);
        Assert.Equal(1024, SegmentedList<(StoredMove, StoredMove)>.ItemsPerSegment);
    }
}
