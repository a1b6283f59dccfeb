namespace AgentManager.Lifecycle;

/// <summary>What makes a task move from one <see cref="TaskState"/> to another.</summary>
/// <remarks>Each trigger always leads to the same state (<see cref="TaskLifecycle.DestinationOf"/>).
/// The <c>Human*</c> triggers need a human actor and a reason.</remarks>
public enum TaskTrigger
{
    /// <summary>Every dependency completed: Pending to Ready.</summary>
    DependenciesMet,

    /// <summary>The scheduler starts an attempt: Ready to Implementing.</summary>
    Start,

    /// <summary>The agent finished the attempt: Implementing to Verifying.</summary>
    ImplementationSucceeded,

    /// <summary>Verification passed: Verifying to Completed.</summary>
    VerificationPassed,

    /// <summary>The attempt failed while implementing or verifying: to BlockedRepair.</summary>
    AttemptFailed,

    /// <summary>The engine retries a failed attempt: BlockedRepair to Ready.</summary>
    Retry,

    /// <summary>The engine stops retrying: BlockedRepair to Failed.</summary>
    GiveUp,

    /// <summary>The emergency block: any non-terminal state other than BlockedHitl to BlockedHitl.</summary>
    Block,

    /// <summary>A human sends a blocked task back: BlockedHitl to Ready.</summary>
    HumanRetry,

    /// <summary>A human declares the task done: BlockedHitl or Failed to Completed.</summary>
    HumanComplete,

    /// <summary>A human declares the task failed: BlockedHitl to Failed.</summary>
    HumanFail,

    /// <summary>The task is cancelled: any non-terminal state to Cancelled.</summary>
    Cancel,

    /// <summary>The running attempt lost its lease (its worker stopped answering): back to Ready.</summary>
    LeaseExpired,
}
