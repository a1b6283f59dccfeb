using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Lifecycle;
using AgentManager.Schedules;
using AgentManager.Workflows;

namespace AgentManager.Storage.Redis.Tests;

/// <summary>One event of every public event record, with every optional member set.</summary>
internal static class SampleEvents
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 30, 15, 123, TimeSpan.FromHours(2));

    public static List<AgentManagerEvent> All(string workflowId) =>
    [
        new TaskTransition(workflowId, "task-1", TaskState.BlockedHitl, TaskState.Completed, TaskTrigger.HumanComplete, "done by hand", "alice", 3, At)
        {
            CorrelationId = "run-7",
        },
        new TaskTransition(workflowId, "task-2", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, null, TaskLifecycle.EngineActor, 0, At),
        new WorkflowEvent(EventTypes.WorkflowFailed, workflowId, At.AddSeconds(1), "task-1 failed") { CorrelationId = "run-7" },
        new TaskEscalatedEvent(workflowId, "task-1", RepairLevel.Escalation, "senior", At.AddSeconds(2), "L3: senior takes over") { CorrelationId = "c" },
        new TaskEscalatedEvent(workflowId, "task-1", RepairLevel.Human, null, At.AddSeconds(2), "L4: a human decides"),
        new HumanInboxEvent(EventTypes.HumanDecisionRejected, workflowId, "task-1", At.AddSeconds(3), "task is no longer blocked")
        {
            DecisionId = "decision-9", Actor = "bob", CorrelationId = "c",
        },
        new TaskPlanEvent(EventTypes.TaskPlanConfirmed, workflowId, 4, At.AddSeconds(4)) { Assignees = ["worker", "reviewer"], CorrelationId = "c" },
        new TaskPlanEvent(EventTypes.TaskPlanConfirmFailed, workflowId, 2, At.AddSeconds(4)) { Reason = "hook refused" },
        new HookEvent(EventTypes.HookFailed, workflowId, At.AddSeconds(5), "lint", HookPoint.BeforeTaskPlanConfirm)
        {
            ExitCode = 2, Duration = TimeSpan.FromMilliseconds(1534), OutputTail = "line 1\nerror: ü ✓", Reason = "exit code 2",
            TimedOut = false, AllowFailure = true, CorrelationId = "c",
        },
        new HookEvent(EventTypes.HookFailed, workflowId, At.AddSeconds(5), "slow", HookPoint.TaskBlocked) { TimedOut = true, Duration = TimeSpan.FromSeconds(30) },
        new ScheduleEvent(EventTypes.ScheduleSkipped, workflowId, At.AddSeconds(6))
        {
            Occurrence = At, RunWorkflowId = "run-1", NextRun = At.AddHours(1), CatchUp = true, MissedOccurrences = 3,
            SkipReason = ScheduleSkipReason.Overlap, Reason = "previous run unfinished", CorrelationId = "c",
        },
        new ScheduleEvent(EventTypes.SchedulePaused, workflowId, At.AddSeconds(7)),
    ];

    /// <summary>Asserts that <paramref name="received"/> carries every value of <paramref name="sent"/>.</summary>
    public static void AssertSame(AgentManagerEvent sent, AgentManagerEvent received)
    {
        Assert.Equal(sent.GetType(), received.GetType());
        Assert.Equal(sent.Type, received.Type);
        Assert.Equal(sent.CorrelationId, received.CorrelationId);
        Assert.Equal(sent.Timestamp.Offset, received.Timestamp.Offset);
        Assert.Null(sent.Origin);
        Assert.Equal("node-a", received.Origin);
        switch (sent)
        {
            case TaskTransition transition:
                Assert.Equal(transition, (TaskTransition)received); // the nine values of the move
                break;
            case TaskPlanEvent plan:
                var got = (TaskPlanEvent)received;
                Assert.Equal(plan.Assignees, got.Assignees);
                Assert.Equal(plan with { Assignees = [] }, got with { Assignees = [] });
                break;
            default:
                // A copy made with 'with' is unpublished (sequence 0): what is left is every value of the record.
                Assert.Equal(Copy(sent), Copy(received));
                break;
        }
    }

    private static AgentManagerEvent Copy(AgentManagerEvent e) => e switch
    {
        WorkflowEvent w => w with { },
        TaskEscalatedEvent x => x with { },
        HumanInboxEvent i => i with { },
        HookEvent h => h with { },
        ScheduleEvent s => s with { },
        _ => throw new InvalidOperationException(e.GetType().Name),
    };
}

/// <summary>An event class of the host's own, which the transport does not know.</summary>
internal sealed record CustomEvent : AgentManagerEvent
{
    public CustomEvent(string workflowId, DateTimeOffset timestamp)
        : base("custom_happened", workflowId, timestamp)
    {
    }
}
