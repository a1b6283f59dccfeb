namespace AgentManager.Persistence;

/// <summary>Implemented by a state store that tells every engine sharing it, as soon as it happens, that another engine
/// stored something for a workflow: a human decision (<see cref="IStateStore.EnqueueDecisionAsync"/>) or a workflow
/// request (<see cref="IStateStore.StoreWorkflowRequestAsync"/>). The engine that runs the workflow then reads the store
/// at once instead of at its next poll.</summary>
/// <remarks>A signal is a hint, not a delivery: signals may be lost (while the store reconnects, say) or repeated, and
/// the engines still poll every <see cref="AgentManagerOptions.InboxPollInterval"/>, which is what guarantees that
/// what was stored is carried out. The PostgreSQL store signals through <c>LISTEN</c>/<c>NOTIFY</c>.</remarks>
public interface IStateStoreSignals
{
    /// <summary>Calls <paramref name="stored"/> with a workflow's id each time a decision or a request for it is stored,
    /// by any engine sharing the store, until the returned object is disposed.</summary>
    /// <param name="stored">The callback: called on any thread, it should return quickly; an exception it throws is
    /// caught and ignored.</param>
    /// <returns>Ends the subscription when disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stored"/> is null.</exception>
    IDisposable Subscribe(Action<string> stored);
}
