using Stateless;

namespace AgentManager.Lifecycle;

/// <summary>The task lifecycle as a Stateless machine: the one definition of the table.</summary>
/// <remarks><see cref="LifecycleTable"/> reads this configuration once (<c>GetInfo()</c>) into arrays,
/// and transitions are look-ups in them: firing Stateless cost about 1 µs and 1.3 KB per transition
/// (boxed states, LINQ over trigger behaviours), a third of the engine loop. A test fires this machine
/// for every (state, trigger) pair and checks that it agrees with the table.</remarks>
internal static class LifecycleMachine
{
    /// <summary>Creates a machine configured with the lifecycle table over the given state storage.</summary>
    internal static StateMachine<TaskState, TaskTrigger> Create(Func<TaskState> read, Action<TaskState> write)
    {
        var machine = new StateMachine<TaskState, TaskTrigger>(read, write, FiringMode.Immediate);

        machine.Configure(TaskState.Pending)
            .Permit(TaskTrigger.DependenciesMet, TaskState.Ready)
            .Permit(TaskTrigger.Block, TaskState.BlockedHitl)
            .Permit(TaskTrigger.Cancel, TaskState.Cancelled);

        // GiveUp from Ready: a spent budget stops a task before its next attempt.
        machine.Configure(TaskState.Ready)
            .Permit(TaskTrigger.Start, TaskState.Implementing)
            .Permit(TaskTrigger.GiveUp, TaskState.Failed)
            .Permit(TaskTrigger.Block, TaskState.BlockedHitl)
            .Permit(TaskTrigger.Cancel, TaskState.Cancelled);

        machine.Configure(TaskState.Implementing)
            .Permit(TaskTrigger.ImplementationSucceeded, TaskState.Verifying)
            .Permit(TaskTrigger.AttemptFailed, TaskState.BlockedRepair)
            .Permit(TaskTrigger.LeaseExpired, TaskState.Ready)
            .Permit(TaskTrigger.Block, TaskState.BlockedHitl)
            .Permit(TaskTrigger.Cancel, TaskState.Cancelled);

        machine.Configure(TaskState.Verifying)
            .Permit(TaskTrigger.VerificationPassed, TaskState.Completed)
            .Permit(TaskTrigger.AttemptFailed, TaskState.BlockedRepair)
            .Permit(TaskTrigger.LeaseExpired, TaskState.Ready)
            .Permit(TaskTrigger.Block, TaskState.BlockedHitl)
            .Permit(TaskTrigger.Cancel, TaskState.Cancelled);

        machine.Configure(TaskState.BlockedRepair)
            .Permit(TaskTrigger.Retry, TaskState.Ready)
            .Permit(TaskTrigger.GiveUp, TaskState.Failed)
            .Permit(TaskTrigger.Block, TaskState.BlockedHitl)
            .Permit(TaskTrigger.Cancel, TaskState.Cancelled);

        // Retry and GiveUp from BlockedHitl: the engine applies a human deadline that passed.
        machine.Configure(TaskState.BlockedHitl)
            .Permit(TaskTrigger.Retry, TaskState.Ready)
            .Permit(TaskTrigger.GiveUp, TaskState.Failed)
            .Permit(TaskTrigger.HumanRetry, TaskState.Ready)
            .Permit(TaskTrigger.HumanComplete, TaskState.Completed)
            .Permit(TaskTrigger.HumanFail, TaskState.Failed)
            .Permit(TaskTrigger.Cancel, TaskState.Cancelled);

        // A human with a reason is the only way out of Failed.
        machine.Configure(TaskState.Failed)
            .Permit(TaskTrigger.HumanComplete, TaskState.Completed);

        machine.Configure(TaskState.Completed);
        machine.Configure(TaskState.Cancelled);
        return machine;
    }
}
