namespace AgentManager.Persistence;

/// <summary>A workflow's lease is held by another engine and has not expired, so this engine may not run it.</summary>
public sealed class LeaseHeldException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="current">The lease as stored.</param>
    public LeaseHeldException(WorkflowLease current)
        : base(Describe(current))
    {
        Current = current;
    }

    /// <summary>Gets the lease as stored.</summary>
    public WorkflowLease Current { get; }

    private static string Describe(WorkflowLease current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Workflow '{current.WorkflowId}' is run by engine '{current.Owner}', whose lease (fencing token {current.Token}) expires at {current.ExpiresAt:O}; another engine may take it over only after that, or once that engine's process is gone.");
    }
}
