using System.Globalization;
using AgentManager.Hosting.Http;
using AgentManager.Persistence;

namespace AgentManager.Hosting.Adhoc;

/// <summary>Changes of the board under the ad-hoc workflow's lease, so that hosts sharing one store change it one at a
/// time: a change takes the lease (a compare-and-set in the store), reads the workflow and its tasks, and commits its
/// moves fenced by the lease's token in the same commit that gives the lease back. A lease held by another host is
/// waited for (<see cref="LeaseWait"/>), then the request is refused with 503 and <c>Retry-After</c>; nothing
/// changed then. A board's first change reads the workflow before it takes the lease, so that a workflow of another
/// kind under the id is reported (409) and its lease never taken. No engine runs this workflow: engines resume only the workflows they are asked to (and those of
/// schedules), and relay at start only finished ones, while this one stays running.</summary>
internal sealed partial class AdhocTaskBoard
{
    /// <summary>How long a change may hold the lease. A change takes milliseconds; the lease of a host that died
    /// in the middle of one blocks the other hosts this long. One slower than this is fenced out by its token and
    /// made again.</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

    /// <summary>How long a change waits by default for a lease another host holds before it is refused.</summary>
    internal static readonly TimeSpan DefaultLeaseWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the owner name of this board's leases: <c>tasks-api:host/pid/instance</c>, which no engine
    /// mistakes for one of its own (an engine takes over a lease early only from an engine of its host that is gone).</summary>
    internal string LeaseOwner { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"tasks-api:{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Gets how long a change waits for a lease another host holds before it is refused.</summary>
    internal TimeSpan LeaseWait { get; init; } = DefaultLeaseWait;

    /// <summary>Whether the stored workflow was found to be the ad-hoc one; written under the gate.</summary>
    private bool _isAdhocWorkflow;

    /// <summary>Makes one change: <paramref name="change"/> reads the tasks (in the batch) and the workflow
    /// (<see langword="null"/> before the first task) and fills the batch, or throws to refuse the request.</summary>
    /// <param name="correlationId">The request's id, stamped on the events.</param>
    /// <param name="movedTaskId">The task a move is about, which does not exist while the workflow does not; <see langword="null"/>
    /// for adding a task, which creates the workflow.</param>
    /// <param name="change">The change, made again from a fresh read when another host came first.</param>
    /// <param name="cancellationToken">Cancels the wait and the change before it is committed.</param>
    private async Task<T> ChangeAsync<T>(string? correlationId, string? movedTaskId, Func<Batch, WorkflowRecord?, T> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deadline = time.GetUtcNow() + LeaseWait;
            while (true)
            {
                var lease = await AcquireLeaseAsync(deadline, cancellationToken).ConfigureAwait(false);
                if (lease is null)
                {
                    if (movedTaskId is not null)
                    {
                        throw new TaskNotFoundException(movedTaskId);
                    }

                    var batch = new Batch(this, correlationId, time.GetUtcNow());
                    var result = change(batch, null);

                    // Of two hosts creating the workflow at once, one commits; the other makes its change again under the lease.
                    batch.Changes.CreatedWorkflows.Add(WorkflowId);
                    try
                    {
                        await store.CommitAsync(batch.Changes, cancellationToken).ConfigureAwait(false);
                    }
                    catch (WorkflowExistsException)
                    {
                        continue;
                    }

                    await PublishAsync(batch.Changes).ConfigureAwait(false);
                    return result;
                }

                var (done, changed) = await ChangeUnderLeaseAsync(lease, correlationId, change, cancellationToken).ConfigureAwait(false);
                if (done)
                {
                    return changed!;
                }

                if (time.GetUtcNow() >= deadline)
                {
                    throw Busy($"the lease of workflow '{WorkflowId}' was taken over while this request changed it", LeaseDuration);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes the change under a lease just taken and commits it fenced by the lease's token, giving the lease
    /// back in that commit; a change that is refused gives it back too.</summary>
    /// <returns>Whether the change was committed, and its result; not committed when the lease was taken over (it
    /// expired meanwhile) or the workflow is gone, and nothing was stored.</returns>
    private async Task<(bool Done, T? Result)> ChangeUnderLeaseAsync<T>(WorkflowLease lease, string? correlationId, Func<Batch, WorkflowRecord?, T> change, CancellationToken cancellationToken)
    {
        var released = false;
        try
        {
            var workflow = await LoadWorkflowAsync(cancellationToken).ConfigureAwait(false);
            if (workflow is null)
            {
                released = true;
                return (false, default);
            }

            var batch = new Batch(this, correlationId, time.GetUtcNow());
            var records = await store.GetTasksAsync(WorkflowId, cancellationToken).ConfigureAwait(false);
            batch.Tasks.EnsureCapacity(records.Count);
            foreach (var record in records)
            {
                batch.Tasks[record.TaskId] = record;
            }

            var result = change(batch, workflow);
            batch.Changes.FencingTokens[WorkflowId] = lease.Token;
            batch.Changes.ReleasedLeases.Add(WorkflowId);

            // The changes before this one published their events right after their commits (this board's under its
            // gate; another host's as it released the lease), so they are marked published: otherwise an engine's
            // start would read the board's whole event history as unpublished, and no engine relays this running
            // workflow's events anyway.
            batch.Changes.PublishedWorkflows.Add(WorkflowId);
            try
            {
                await store.CommitAsync(batch.Changes, cancellationToken).ConfigureAwait(false);
            }
            catch (LeaseLostException)
            {
                released = true; // another host holds it now
                return (false, default);
            }

            released = true;
            await PublishAsync(batch.Changes).ConfigureAwait(false);
            return (true, result);
        }
        finally
        {
            if (!released)
            {
                await ReleaseAsync(lease).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes the workflow's lease, waiting for one another host holds until <paramref name="deadline"/>.</summary>
    /// <returns>The lease, or <see langword="null"/> when the workflow is not stored yet.</returns>
    /// <exception cref="ApiException">503: another host held the lease past the deadline; 409: a workflow of another
    /// kind has the id.</exception>
    private async Task<WorkflowLease?> AcquireLeaseAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (!_isAdhocWorkflow)
        {
            // Until the stored workflow is known to be this board's, it is read first: a workflow an engine runs under
            // this id is a configuration error to report (409), not a lease to take or wait for.
            if (await LoadWorkflowAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }

            _isAdhocWorkflow = true;
        }

        var pause = FirstPause;
        var createdMeanwhile = false;
        while (true)
        {
            var now = time.GetUtcNow();
            WorkflowLease held;
            try
            {
                var claim = new LeaseClaim { WorkflowId = WorkflowId, Owner = LeaseOwner, Now = now, ExpiresAt = now + LeaseDuration };
                return await store.AcquireLeaseAsync(claim, cancellationToken).ConfigureAwait(false);
            }
            catch (LeaseHeldException e)
            {
                held = e.Current;
            }
            catch (InvalidOperationException) when (!createdMeanwhile)
            {
                // The workflow was never committed (deleted behind the API's back), unless another host committed it since.
                if (await store.GetWorkflowAsync(WorkflowId, cancellationToken).ConfigureAwait(false) is null)
                {
                    return null;
                }

                createdMeanwhile = true;
                continue;
            }

            if (now >= deadline)
            {
                throw Busy($"'{held.Owner}' holds the lease of workflow '{WorkflowId}' until {held.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}", held.ExpiresAt - now);
            }

            var jittered = pause * (0.5 + Random.Shared.NextDouble());
            await Task.Delay(jittered < deadline - now ? jittered : deadline - now, time, cancellationToken).ConfigureAwait(false);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    /// <summary>The refusal of a change that waited for the lease in vain: 503, to be retried after the holder's
    /// lease runs out at the latest.</summary>
    private ApiException Busy(string why, TimeSpan holderLeft)
    {
        var seconds = (int)Math.Ceiling(Math.Clamp(holderLeft.TotalSeconds, 1, LeaseDuration.TotalSeconds));
        return new ApiException(
            StatusCodes.Status503ServiceUnavailable,
            string.Create(CultureInfo.InvariantCulture, $"The tasks of /tasks are being changed by another host: {why}. This request waited {LeaseWait.TotalSeconds:0.###} s and changed nothing; retry it after {seconds} s."))
        {
            RetryAfter = TimeSpan.FromSeconds(seconds),
        };
    }

    /// <summary>Gives a lease back after a change that was refused or failed. A lease another host took over
    /// meanwhile is not ours to give back; a store that fails here only makes the other hosts wait until it expires.</summary>
    private async Task ReleaseAsync(WorkflowLease lease)
    {
        var changes = new StateChanges();
        changes.FencingTokens[WorkflowId] = lease.Token;
        changes.ReleasedLeases.Add(WorkflowId);
        try
        {
            await store.CommitAsync(changes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing to do: the error that made the change fail is the one the caller learns of.
        }
    }

    /// <summary>Publishes the events of a stored batch: once stored they go out even if the caller stopped waiting.</summary>
    private async Task PublishAsync(StateChanges changes)
    {
        foreach (var @event in changes.Events)
        {
            await bus.PublishAsync(@event, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
