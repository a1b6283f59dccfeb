using System.Diagnostics;
using AgentManager.Diagnostics;
using AgentManager.Execution;
using AgentManager.Persistence.Checkpoints;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>Runs one task attempt off the engine loop: the agent under its timeout, then the verifier,
/// reporting each step back to the loop as a command: through <c>post</c>, and the attempt's last command, once
/// the attempt has cleaned up, through <c>postFinal</c> (the loop may then run on the posting thread).</summary>
internal sealed class AttemptWorker(AgentManagerOptions options, TimeProvider time, ICheckpointStore? checkpoints, ILogger logger, Action<EngineCommand> post, Action<EngineCommand> postFinal, AttemptPreparer? preparer = null)
{
    public void Launch(TaskRuntime task, CancellationToken workflowCancelled)
    {
        var invocation = new AgentInvocation
        {
            WorkflowId = task.Run.Id,
            TaskId = task.Id,
            AgentId = task.AttemptAgentId,
            Title = task.Title,
            Prompt = task.Prompt,
            Attempt = task.Attempt,
            Workdir = task.Workdir,
            PreviousError = task.LastError,
            PreviousOutput = task.LastOutput,
            Metadata = task.AttemptMetadata(),
        };
        ThreadPool.UnsafeQueueUserWorkItem(
            static state => _ = state.Worker.RunAsync(state.Task, state.Runner, state.Invocation, state.Cancelled),
            (Worker: this, Task: task, Runner: task.AttemptRunner, Invocation: invocation, Cancelled: workflowCancelled),
            preferLocal: false);
    }

    private async Task RunAsync(TaskRuntime task, IAgentRunner runner, AgentInvocation invocation, CancellationToken cancelled)
    {
        AttemptFinishedCommand finished;
        using (var activity = AgentManagerDiagnostics.ActivitySource.StartActivity("task.attempt", ActivityKind.Internal, task.Run.Activity?.Context ?? default))
        {
            activity?.SetTag("agentmanager.workflow.id", invocation.WorkflowId);
            activity?.SetTag("agentmanager.task.id", invocation.TaskId);
            activity?.SetTag("agentmanager.task.attempt", invocation.Attempt);
            activity?.SetTag("agentmanager.agent.id", invocation.AgentId);
            finished = await PrepareAndRunAsync(task, runner, invocation, cancelled).ConfigureAwait(false);
            if (finished.Outcome == AttemptOutcome.Failed)
            {
                activity?.SetStatus(ActivityStatusCode.Error, finished.Error);
            }

            activity?.SetTag("agentmanager.attempt.outcome", finished.Outcome.ToString());
        }

        postFinal(finished);
    }

    private async Task<AttemptFinishedCommand> PrepareAndRunAsync(TaskRuntime task, IAgentRunner runner, AgentInvocation invocation, CancellationToken cancelled)
    {
        var attempt = invocation.Attempt;
        PreparedAttempt? prepared = null;
        if (preparer is not null)
        {
            try
            {
                prepared = await preparer.PrepareAsync(task, invocation, cancelled).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
            {
                return new AttemptFinishedCommand(task, attempt, AttemptOutcome.Cancelled, "Cancelled.", null);
            }

            if (prepared.Error is { } error)
            {
                prepared.Dispose();
                return new AttemptFinishedCommand(task, attempt, AttemptOutcome.Failed, error, null);
            }

            invocation = prepared.Invocation;
        }

        using (prepared)
        {
            return await RunPreparedAsync(task, runner, invocation, cancelled).ConfigureAwait(false);
        }
    }

    private async Task<AttemptFinishedCommand> RunPreparedAsync(TaskRuntime task, IAgentRunner runner, AgentInvocation invocation, CancellationToken cancelled)
    {
        var attempt = invocation.Attempt;
        var agent = await RunAgentAsync(task, runner, invocation, cancelled).ConfigureAwait(false);
        if (agent.Outcome != AttemptOutcome.Succeeded || task.Verifier is null)
        {
            await CheckpointAsync(task, invocation, agent, null, cancelled).ConfigureAwait(false);
            return new AttemptFinishedCommand(task, attempt, agent.Outcome, agent.Error, agent.Output, agent.Usage);
        }

        post(new ImplementationSucceededCommand(task, attempt));
        var verification = await VerifyAsync(task.Verifier, invocation, agent.Result!, cancelled).ConfigureAwait(false);
        await CheckpointAsync(task, invocation, agent, verification, cancelled).ConfigureAwait(false);
        return new AttemptFinishedCommand(task, attempt, verification.Outcome, verification.Error, agent.Output, agent.Usage);
    }

    /// <summary>Keeps the attempt's outputs and declared artifacts, when a checkpoint store is configured,
    /// before the engine records the outcome; a failure to save is logged and never costs the attempt its result.</summary>
    private async Task CheckpointAsync(TaskRuntime task, AgentInvocation invocation, StepResult agent, StepResult? verification, CancellationToken cancelled)
    {
        var outcome = verification?.Outcome ?? agent.Outcome;
        if (checkpoints is null || outcome == AttemptOutcome.Cancelled)
        {
            return;
        }

        try
        {
            await checkpoints.SaveAsync(
                new CheckpointWrite
                {
                    WorkflowId = invocation.WorkflowId,
                    TaskId = invocation.TaskId,
                    Attempt = invocation.Attempt,
                    AgentOutput = agent.Output ?? agent.Error,
                    VerificationOutput = verification?.Output ?? verification?.Error,
                    Workdir = task.Workdir,
                    Artifacts = task.Artifacts,
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["outcome"] = outcome.ToString().ToLowerInvariant() },
                },
                cancelled).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            EngineLog.CheckpointFailed(logger, invocation.WorkflowId, invocation.TaskId, invocation.Attempt, ex);
        }
    }

    private Task<StepResult> RunAgentAsync(TaskRuntime task, IAgentRunner runner, AgentInvocation invocation, CancellationToken cancelled) =>
        RunStepAsync($"Agent '{invocation.AgentId}'", task.Timeout, async token =>
        {
            if (invocation.Workdir is not null)
            {
                Directory.CreateDirectory(invocation.Workdir);
            }

            var result = await runner.RunAsync(invocation, token).ConfigureAwait(false);
            return result switch
            {
                null => StepResult.Failed($"Agent '{invocation.AgentId}' returned no result.", null),
                { Succeeded: true } => new StepResult(AttemptOutcome.Succeeded, null, result.Output, result),
                _ => StepResult.Failed(result.Error ?? "The agent failed.", result.Output) with { Usage = result.Usage },
            };
        },
        cancelled);

    private Task<StepResult> VerifyAsync(IVerifier verifier, AgentInvocation invocation, AgentResult agentResult, CancellationToken cancelled) =>
        RunStepAsync("Verification", options.VerificationTimeout, async token =>
        {
            var context = new VerificationContext { Invocation = invocation, AgentResult = agentResult };
            var result = await verifier.VerifyAsync(context, token).ConfigureAwait(false);
            return result switch
            {
                null => StepResult.Failed("The verifier returned no result.", null),
                { Passed: true } => new StepResult(AttemptOutcome.Succeeded, null, result.Output, null),
                _ => StepResult.Failed(result.Reason ?? "Verification failed.", result.Output),
            };
        },
        cancelled);

    /// <summary>Runs one step under its time limit and the workflow's cancellation, turning timeouts and
    /// exceptions into failed steps that name what failed.</summary>
    private async Task<StepResult> RunStepAsync(string what, TimeSpan limit, Func<CancellationToken, Task<StepResult>> step, CancellationToken cancelled)
    {
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancelled);
        try
        {
            return await step(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            return new StepResult(AttemptOutcome.Cancelled, "Cancelled.", null, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return StepResult.Failed($"{what} timed out after {limit.TotalSeconds:0.###} s.", null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return StepResult.Failed($"{what} threw {ex.GetType().Name}: {ex.Message}", null);
        }
    }

    private sealed record StepResult(AttemptOutcome Outcome, string? Error, string? Output, AgentResult? Result)
    {
        /// <summary>Gets what the agent reported it consumed.</summary>
        public AgentUsage? Usage { get; init; } = Result?.Usage;

        public static StepResult Failed(string error, string? output) => new(AttemptOutcome.Failed, error, output, null);
    }
}
