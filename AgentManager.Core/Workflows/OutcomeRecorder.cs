using System.Threading.Channels;
using AgentManager.Memory;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>Writes each finished task's outcome to agent memory off the engine loop, in order; a memory
/// failure is logged and never touches the task. A stop lets it write what was queued (<see cref="Complete"/>).</summary>
internal sealed class OutcomeRecorder(TaskOutcomeMemory memory, ILogger logger)
{
    private readonly Channel<TaskOutcome> _queue = Channel.CreateUnbounded<TaskOutcome>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(TaskOutcome outcome) => _queue.Writer.TryWrite(outcome);

    /// <summary>Takes no more outcomes: <see cref="RunAsync"/> ends once it has written the queued ones.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Writes outcomes until <see cref="Complete"/> and the queue is empty, or until <paramref name="abort"/>.</summary>
    public async Task RunAsync(CancellationToken abort)
    {
        try
        {
            await foreach (var outcome in _queue.Reader.ReadAllAsync(abort).ConfigureAwait(false))
            {
                try
                {
                    await memory.RecordAsync(outcome, abort).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    EngineLog.OutcomeNotRemembered(logger, outcome.WorkflowId, outcome.TaskId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
    }
}
