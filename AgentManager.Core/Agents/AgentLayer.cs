namespace AgentManager.Agents;

/// <summary>Where an agent sits in the hierarchy. Wire names (profile files): <c>high</c>, <c>low</c>.</summary>
public enum AgentLayer
{
    /// <summary>Plans, delegates and reviews (the built-in <c>manager</c> and <c>supervisor</c>).</summary>
    High,

    /// <summary>Does the hands-on work of a task (the built-in <c>worker</c>).</summary>
    Low,
}
