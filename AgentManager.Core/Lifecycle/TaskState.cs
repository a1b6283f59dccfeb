namespace AgentManager.Lifecycle;

/// <summary>Where a task is in its lifecycle. <see cref="TaskLifecycle"/> says which moves are allowed.</summary>
/// <remarks>On the wire every state has a snake_case name; see <see cref="TaskStateNames"/>.</remarks>
public enum TaskState
{
    /// <summary>Waiting for the tasks it depends on.</summary>
    Pending,

    /// <summary>Every dependency is met; waiting for the scheduler to start an attempt.</summary>
    Ready,

    /// <summary>An agent is working on an attempt.</summary>
    Implementing,

    /// <summary>The attempt is being verified.</summary>
    Verifying,

    /// <summary>Done and verified, or completed by a human. Terminal.</summary>
    Completed,

    /// <summary>Given up. Terminal, except that a human may still complete it.</summary>
    Failed,

    /// <summary>An attempt failed; waiting for the engine to retry or give up.</summary>
    BlockedRepair,

    /// <summary>Waiting for a human (human in the loop) to retry, complete or fail it.</summary>
    BlockedHitl,

    /// <summary>Cancelled. Terminal.</summary>
    Cancelled,
}
