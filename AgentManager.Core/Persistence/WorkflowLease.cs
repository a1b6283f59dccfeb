namespace AgentManager.Persistence;

/// <summary>The right of one engine to run one workflow: its owner, when it expires unless renewed, and the
/// fencing token that every commit of the holder carries.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="Owner">Who holds it; an engine names itself by host, process id, process start time and instance.</param>
/// <param name="Token">The fencing token: it grows by one with every acquisition, so a holder that lost the lease
/// carries a smaller token than the store.</param>
/// <param name="ExpiresAt">When another engine may take it over unless it is renewed first.</param>
public sealed record WorkflowLease(string WorkflowId, string Owner, long Token, DateTimeOffset ExpiresAt);
