using System.Text.Json;
using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Tests.Events;

public sealed class TaskEventTests
{
    public static TheoryData<TaskState, TaskTrigger, string> EveryRuleWithItsType()
    {
        var expected = new Dictionary<TaskTrigger, string>
        {
            [TaskTrigger.DependenciesMet] = EventTypes.TaskReady,
            [TaskTrigger.Retry] = EventTypes.TaskRetrying,
            [TaskTrigger.HumanRetry] = EventTypes.TaskRetrying,
            [TaskTrigger.LeaseExpired] = EventTypes.TaskRetrying,
            [TaskTrigger.Start] = EventTypes.TaskStarted,
            [TaskTrigger.ImplementationSucceeded] = EventTypes.TaskVerifying,
            [TaskTrigger.VerificationPassed] = EventTypes.TaskCompleted,
            [TaskTrigger.HumanComplete] = EventTypes.TaskCompleted,
            [TaskTrigger.AttemptFailed] = EventTypes.TaskAttemptFailed,
            [TaskTrigger.GiveUp] = EventTypes.TaskFailed,
            [TaskTrigger.HumanFail] = EventTypes.TaskFailed,
            [TaskTrigger.Block] = EventTypes.TaskBlocked,
            [TaskTrigger.Cancel] = EventTypes.TaskCancelled,
        };

        var data = new TheoryData<TaskState, TaskTrigger, string>();
        foreach (var rule in TaskLifecycle.Rules)
        {
            data.Add(rule.From, rule.Trigger, expected[rule.Trigger]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryRuleWithItsType))]
    public void Transition_EveryTransitionKind_IsATaskEventOfItsType(TaskState from, TaskTrigger trigger, string expectedType)
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", from, trigger, 1, EventTestKit.Epoch, "alice", "why");

        TaskEvent @event = transition;

        Assert.Equal(expectedType, @event.Type);
        Assert.Same(transition, @event.Transition);
    }

    [Theory]
    [MemberData(nameof(EveryRuleWithItsType))]
    public void Constructor_EveryRule_MakesTheTransitionTheLifecycleMakes(TaskState from, TaskTrigger trigger, string expectedType)
    {
        var made = TaskLifecycle.Transition("wf-1", "build", from, trigger, 3, EventTestKit.Epoch, "alice", "why");

        var constructed = new TaskTransition("wf-1", "build", from, made.To, trigger, "why", "alice", 3, EventTestKit.Epoch);

        Assert.Equal(made, constructed);
        Assert.Equal(made.GetHashCode(), constructed.GetHashCode());
        Assert.Equal(expectedType, constructed.Type);
        Assert.Equal(("wf-1", "build", EventTestKit.Epoch, 0L), (constructed.WorkflowId, constructed.TaskId, constructed.Timestamp, constructed.Sequence));
    }

    [Fact]
    public void Transition_WithCorrelationId_IsACopyThatCarriesIt()
    {
        var transition = TaskLifecycle.Transition("wf-7", "deploy", TaskState.Ready, TaskTrigger.Start, 4, EventTestKit.Epoch);

        var @event = transition with { CorrelationId = "run-1" };

        Assert.NotSame(transition, @event);
        Assert.Equal(("wf-7", "deploy", EventTestKit.Epoch), (@event.WorkflowId, @event.TaskId, @event.Timestamp));
        Assert.Equal("run-1", @event.CorrelationId);
        Assert.Null(transition.CorrelationId);
        Assert.Equal(0, @event.Sequence);
        Assert.Same(@event, @event.Transition);
    }

    [Fact]
    public void Equals_SameMove_IgnoresSequenceAndCorrelationId()
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Start, 1, EventTestKit.Epoch);
        var correlated = transition with { CorrelationId = "run-1" };
        correlated.Sequence = 42;

        Assert.Equal(transition, correlated);
        Assert.Equal(transition.GetHashCode(), correlated.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentMove_IsFalse()
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Start, 1, EventTestKit.Epoch);

        Assert.NotEqual(transition, transition with { Attempt = 2 });
        Assert.NotEqual(transition, transition with { Reason = "why" });
        Assert.NotEqual(transition, transition with { Actor = "alice" });
        Assert.NotEqual(transition, TaskLifecycle.Transition("wf-1", "test", TaskState.Ready, TaskTrigger.Start, 1, EventTestKit.Epoch));
        Assert.NotEqual(transition, TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Start, 1, EventTestKit.Epoch.AddTicks(1)));
    }

    [Fact]
    public void With_ACopy_KeepsTheMoveAndItsType()
    {
        var failed = TaskLifecycle.Transition("wf-1", "build", TaskState.Implementing, TaskTrigger.AttemptFailed, 1, EventTestKit.Epoch, reason: "tests fail");

        var copy = failed with { Reason = "tests failed twice", Attempt = 2 };

        Assert.Equal((TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed), (copy.From, copy.To, copy.Trigger));
        Assert.Equal(EventTypes.TaskAttemptFailed, copy.Type);
        Assert.Equal(("tests failed twice", 2), (copy.Reason, copy.Attempt));
    }

    [Fact]
    public void ToString_NamesTheMoveOnce()
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Start, 1, EventTestKit.Epoch);

        var text = transition.ToString();

        Assert.Contains("Type = task_started", text, StringComparison.Ordinal);
        Assert.Contains("TaskId = build", text, StringComparison.Ordinal);
        Assert.Contains("To = Implementing", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Transition =", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Deconstruct_GivesTheNineValues()
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.BlockedHitl, TaskTrigger.HumanRetry, 2, EventTestKit.Epoch, "alice", "try again");

        var (workflowId, taskId, from, to, trigger, reason, actor, attempt, timestamp) = transition;

        Assert.Equal(("wf-1", "build", TaskState.BlockedHitl, TaskState.Ready, TaskTrigger.HumanRetry), (workflowId, taskId, from, to, trigger));
        Assert.Equal(("try again", "alice", 2, EventTestKit.Epoch), (reason, actor, attempt, timestamp));
    }

    [Fact]
    public void Constructor_TransitionOutsideTheTable_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TaskTransition("wf-1", "build", TaskState.Completed, TaskState.Ready, TaskTrigger.Retry, null, "engine", 1, EventTestKit.Epoch));

        Assert.Equal("trigger", ex.ParamName);
        Assert.Contains("follows no lifecycle rule", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WrongDestination_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new TaskTransition("wf-1", "build", TaskState.Ready, TaskState.Completed, TaskTrigger.Start, null, "engine", 1, EventTestKit.Epoch));
    }

    [Fact]
    public void Constructor_InvalidIds_ThrowArgumentExceptionNamingThem()
    {
        var workflow = Assert.Throws<ArgumentException>(() => new TaskTransition("wf 1", "build", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, null, "engine", 1, EventTestKit.Epoch));
        var task = Assert.Throws<ArgumentException>(() => new TaskTransition("wf-1", "", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, null, "engine", 1, EventTestKit.Epoch));

        Assert.Equal("workflowId", workflow.ParamName);
        Assert.Equal("taskId", task.ParamName);
    }

    [Theory]
    [MemberData(nameof(EveryRuleWithItsType))]
    public void Json_EveryRule_ReadsBackAsAnEqualMoveOfItsType(TaskState from, TaskTrigger trigger, string expectedType)
    {
        var move = new TaskTransition("wf", "t1", from, TaskLifecycle.DestinationOf(trigger), trigger, "why", "alice", 3, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));

        var read = JsonSerializer.Deserialize<TaskTransition>(JsonSerializer.Serialize(move));

        Assert.Equal(move, read);
        Assert.Equal((from, TaskLifecycle.DestinationOf(trigger), trigger, expectedType), (read!.From, read.To, read.Trigger, read.Type));
    }

    /// <summary>The JSON of a move names each public value once, as it always has (the layout of the object in memory
    /// is not part of it).</summary>
    [Fact]
    public void Json_NamesEachValueOnce()
    {
        var move = new TaskTransition("wf", "t1", TaskState.Verifying, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, "why", "alice", 3, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));

        Assert.Equal(
            """{"From":3,"To":6,"Trigger":4,"Reason":"why","Actor":"alice","Attempt":3,"TaskId":"t1","Type":"task_attempt_failed","WorkflowId":"wf","Timestamp":"2025-01-02T03:04:05+02:00","Sequence":0,"CorrelationId":null}""",
            JsonSerializer.Serialize(move));
    }

    /// <summary>A move keeps its reason and its actor through copies that change either one, by the engine or by a person.</summary>
    [Fact]
    public void With_ReasonOrActorChanged_KeepsTheOther()
    {
        var byEngine = new TaskTransition("wf", "t1", TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, "why", TaskLifecycle.EngineActor, 1, EventTestKit.Epoch);
        var byHuman = new TaskTransition("wf", "t1", TaskState.BlockedHitl, TaskState.Ready, TaskTrigger.HumanRetry, "try again", "alice", 1, EventTestKit.Epoch);

        Assert.Equal(("why", "bob"), ((byEngine with { Actor = "bob" }).Reason, (byEngine with { Actor = "bob" }).Actor));
        Assert.Equal(("other", "engine"), ((byEngine with { Reason = "other" }).Reason, (byEngine with { Reason = "other" }).Actor));
        Assert.Equal(("other", "alice"), ((byHuman with { Reason = "other" }).Reason, (byHuman with { Reason = "other" }).Actor));
        Assert.Equal((null, "alice"), ((byHuman with { Reason = null }).Reason, (byHuman with { Reason = null }).Actor));
        Assert.Equal(("try again", "engine"), ((byHuman with { Actor = TaskLifecycle.EngineActor }).Reason, (byHuman with { Actor = TaskLifecycle.EngineActor }).Actor));
        Assert.Equal(byHuman, byHuman with { Actor = "alice", Reason = "try again" });
        Assert.NotEqual(byHuman, byHuman with { Actor = "bob" });
    }
}
