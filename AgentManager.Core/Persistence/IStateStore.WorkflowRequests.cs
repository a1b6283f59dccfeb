namespace AgentManager.Persistence;

/// <summary>Workflow requests: how an engine starts or cancels a workflow that another engine sharing the store runs.</summary>
public partial interface IStateStore
{
    /// <summary>Stores a request for the engine that holds the workflow's lease. A workflow has at most one request of
    /// each kind: a start request is stored while the workflow is created (not yet started) and replaces an earlier
    /// one; a cancel request is stored while the workflow is unfinished and an earlier one is kept.</summary>
    /// <remarks>The default implementation, for stores written before workflow requests, stores nothing and throws
    /// <see cref="NotSupportedException"/>; an engine on such a store starts and cancels only the workflows it runs.</remarks>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The workflow's stored request of that kind (this one, or the earlier cancel request it kept), or
    /// <see langword="null"/> when no workflow of that id takes it (none exists, or it is past what the request asks:
    /// started, for a start; finished, for a cancel); nothing is stored then.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/>, one of its required values, or the reason of
    /// a cancel request is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The request's kind is not defined.</exception>
    /// <exception cref="NotSupportedException">The store keeps no workflow requests.</exception>
    Task<WorkflowRequest?> StoreWorkflowRequestAsync(WorkflowRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            $"The state store {GetType().Name} keeps no workflow requests, so a workflow can be started or cancelled only by the engine that runs it.");

    /// <summary>Reads the requests still to carry out of the given workflows: the start requests of those that are
    /// created and the cancel requests of those that are unfinished.</summary>
    /// <remarks>The default implementation, for stores without workflow requests, finds none.</remarks>
    /// <param name="workflowIds">The workflows, usually those the reading engine runs.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The requests, at most one of each kind per workflow, in no particular order.</returns>
    Task<IReadOnlyList<WorkflowRequest>> GetWorkflowRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkflowRequest>>([]);
}
