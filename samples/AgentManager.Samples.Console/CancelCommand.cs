using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>cancel WORKFLOW [--reason TEXT] [--wait SECONDS]</c>: cancels a workflow that a <c>run</c>, <c>resume</c>
/// or <c>serve</c> in another process runs. The request is stored; that process cancels the workflow at its next look at
/// the store, and this command waits up to <c>--wait</c> to report it.</summary>
internal static class CancelCommand
{
    public const int Refused = 1;

    private const string Usage = "usage: agentmanager-console cancel WORKFLOW [--reason TEXT] [--wait SECONDS] [--db PATH]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var parsed = await CommandArgs.ParseAsync(() => Arguments.Parse(args), Usage, stderr);
        if (parsed is null || await parsed.Store.OpenExistingAsync("cancel writes to the database a run uses", stderr) is not { } opened)
        {
            return RunCommand.BadInput;
        }

        await using var provider = opened;
        var engine = provider.GetRequiredService<IWorkflowEngine>();
        try
        {
            await engine.CancelAsync(parsed.WorkflowId, parsed.Reason, cancellationToken);
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(parsed.Wait);
            var summary = await engine.WaitForCompletionAsync(parsed.WorkflowId, patience.Token);
            var cancelled = summary.Tasks.Count(t => t.State == Lifecycle.TaskState.Cancelled);
            await stdout.WriteLineAsync($"{summary.Status.ToWireName()}: workflow '{summary.WorkflowId}' ({cancelled} of {summary.Tasks.Count} tasks cancelled): {summary.Reason}");
            return summary.Status == WorkflowStatus.Cancelled ? RunCommand.Success : Refused;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await stdout.WriteLineAsync($"queued: the request waits in the store for the engine that runs workflow '{parsed.WorkflowId}'.");
            return RunCommand.Success;
        }
        catch (WorkflowNotFoundException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return RunCommand.BadInput;
        }
        catch (WorkflowStateException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return Refused;
        }
    }

    private sealed class Arguments
    {
        public StoreChoice Store { get; } = new();

        public string WorkflowId { get; private set; } = string.Empty;

        public string? Reason { get; private set; }

        public TimeSpan Wait { get; private set; } = TimeSpan.FromSeconds(10);

        public static Arguments Parse(string[] args)
        {
            var parsed = new Arguments
            {
                WorkflowId = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : throw new UsageException("cancel needs a workflow id (see 'status')."),
            };
            for (var i = 1; i < args.Length; i++)
            {
                if (parsed.Store.TryParse(args, ref i))
                {
                    continue;
                }

                switch (args[i])
                {
                    case "--reason":
                        parsed.Reason = CommandArgs.Value(args, ref i);
                        break;
                    case "--wait":
                        parsed.Wait = CommandArgs.Wait(args, ref i);
                        break;
                    default:
                        throw new UsageException($"'{args[i]}' is not an option of cancel.");
                }
            }

            return parsed;
        }
    }
}
