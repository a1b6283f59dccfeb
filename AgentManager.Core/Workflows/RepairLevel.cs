namespace AgentManager.Workflows;

/// <summary>The rungs of the repair ladder a failing task climbs, in order; see <see cref="RepairPolicy"/>.</summary>
/// <remarks>Wire names (records, events, metadata): <c>retry</c>, <c>repair</c>, <c>escalation</c>, <c>human</c>;
/// see <see cref="RepairLevelNames"/>.</remarks>
public enum RepairLevel
{
    /// <summary>L1: the task's own agent, retried with backoff up to the task's <c>MaxAttempts</c>.</summary>
    Retry = 1,

    /// <summary>L2: the repair agent (<see cref="RepairPolicy.RepairAgentId"/>) takes over the task.</summary>
    Repair = 2,

    /// <summary>L3: a high-layer agent (<see cref="RepairPolicy.EscalationAgentId"/>) takes over the task.</summary>
    Escalation = 3,

    /// <summary>L4: the task is blocked (<c>blocked_hitl</c>) until a human decides.</summary>
    Human = 4,
}
