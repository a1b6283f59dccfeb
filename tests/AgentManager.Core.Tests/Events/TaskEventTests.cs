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
    public void Constructor_EveryTransitionKind_HasItsType(TaskState from, TaskTrigger trigger, string expectedType)
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", from, trigger, 1, EventTestKit.Epoch, "alice", "why");

        var @event = new TaskEvent(transition);

        Assert.Equal(expectedType, @event.Type);
    }

    [Theory]
    [MemberData(nameof(EveryRuleWithItsType))]
    public void OfValid_EveryTransitionKind_IsTheEventThePublicConstructorMakes(TaskState from, TaskTrigger trigger, string expectedType)
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", from, trigger, 3, EventTestKit.Epoch, "alice", "why");

        var @event = TaskEvent.OfValid(transition);

        Assert.Equal(new TaskEvent(transition), @event);
        Assert.Equal(expectedType, @event.Type);
        Assert.Equal(("wf-1", "build", EventTestKit.Epoch, 0L), (@event.WorkflowId, @event.TaskId, @event.Timestamp, @event.Sequence));
        Assert.Same(transition, @event.Transition);
    }

    [Fact]
    public void Constructor_Transition_CopiesWorkflowTaskAndTimestamp()
    {
        var transition = TaskLifecycle.Transition("wf-7", "deploy", TaskState.Ready, TaskTrigger.Start, 4, EventTestKit.Epoch);

        var @event = new TaskEvent(transition) { CorrelationId = "run-1" };

        Assert.Equal("wf-7", @event.WorkflowId);
        Assert.Equal("deploy", @event.TaskId);
        Assert.Equal(EventTestKit.Epoch, @event.Timestamp);
        Assert.Same(transition, @event.Transition);
        Assert.Equal("run-1", @event.CorrelationId);
        Assert.Equal(0, @event.Sequence);
    }

    [Fact]
    public void Constructor_TransitionOutsideTheTable_ThrowsArgumentException()
    {
        var forged = new TaskTransition("wf-1", "build", TaskState.Completed, TaskState.Ready, TaskTrigger.Retry, null, "engine", 1, EventTestKit.Epoch);

        var ex = Assert.Throws<ArgumentException>(() => new TaskEvent(forged));

        Assert.Equal("transition", ex.ParamName);
    }

    [Fact]
    public void Constructor_WrongDestination_ThrowsArgumentException()
    {
        var forged = new TaskTransition("wf-1", "build", TaskState.Ready, TaskState.Completed, TaskTrigger.Start, null, "engine", 1, EventTestKit.Epoch);

        Assert.Throws<ArgumentException>(() => new TaskEvent(forged));
    }
}
