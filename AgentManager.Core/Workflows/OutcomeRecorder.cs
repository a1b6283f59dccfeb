using System.Threading.Channels;
using AgentManager.Memory;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>Writes each finished task's outcome to agent memory off the engine loop, in order; a memory
/// failure is logged and never touches the task.</summary>
internal sealed class OutcomeRecorder(TaskOutcomeMemory memory, ILogger logger)
{
    private readonly Channel<TaskOutcome> _queue = Channel.CreateUnbounded<TaskOutcome>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(TaskOutcome outcome) => _queue.Writer.TryWrite(outcome);

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var outcome in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await memory.RecordAsync(outcome, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    EngineLog.OutcomeNotRemembered(logger, outcome.WorkflowId, outcome.TaskId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
