namespace AgentManager.Persistence;

/// <summary>Cancel requests: how an engine cancels a workflow that another engine sharing the store runs.</summary>
public partial interface IStateStore
{
    /// <summary>Stores a request to cancel an unfinished workflow, for the engine that holds its lease. A workflow keeps
    /// its first request: a later one changes nothing.</summary>
    /// <remarks>The default implementation, for stores written before cancel requests, stores nothing and throws
    /// <see cref="NotSupportedException"/>; an engine on such a store cancels only the workflows it runs.</remarks>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The workflow's stored request (this one, or the earlier one it kept), or <see langword="null"/> when no
    /// unfinished workflow has that id (it finished, or never existed); nothing is stored then.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or one of its required values is null.</exception>
    /// <exception cref="NotSupportedException">The store keeps no cancel requests.</exception>
    Task<WorkflowCancelRequest?> RequestCancelAsync(WorkflowCancelRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            $"The state store {GetType().Name} keeps no cancel requests, so a workflow can be cancelled only by the engine that runs it.");

    /// <summary>Reads the cancel requests of those of the given workflows that have not finished.</summary>
    /// <remarks>The default implementation, for stores without cancel requests, finds none.</remarks>
    /// <param name="workflowIds">The workflows, usually those the reading engine runs.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The requests, at most one per workflow, in no particular order.</returns>
    Task<IReadOnlyList<WorkflowCancelRequest>> GetCancelRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkflowCancelRequest>>([]);
}
