using System.Diagnostics;
using AgentManager.Diagnostics;
using AgentManager.Execution;
using AgentManager.Persistence.Checkpoints;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>Runs one task attempt off the engine loop: the agent, then the verifier, under the attempt's token,
/// reporting back to the loop by posting the attempt itself (<see cref="AttemptRun"/> is a command): through <c>post</c>
/// when verification begins, and through <c>postFinal</c> once the attempt has ended and cleaned up (the loop may
/// then run on the posting thread).</summary>
internal sealed class AttemptWorker(AgentManagerOptions options, TimeProvider time, ICheckpointStore? checkpoints, ILogger logger, Action<IEngineCommand> post, Action<IEngineCommand> postFinal, AttemptPreparer? preparer = null)
{
    /// <summary>Queues the attempt that the loop made current on the task.</summary>
    public static void Launch(TaskRuntime task)
    {
        var attempt = task.CurrentAttempt!;
        attempt.Runner = task.AttemptRunner;
        attempt.Invocation = new AgentInvocation
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
        Interlocked.Increment(ref attempt.Worker._queued);
        ThreadPool.UnsafeQueueUserWorkItem(attempt, preferLocal: false);
    }

    // Attempts queued to the thread pool that have not started yet.
    private int _queued;

    /// <summary>Gets whether an attempt was queued to the thread pool and has not started yet.</summary>
    public bool HasQueuedAttempts => Volatile.Read(ref _queued) > 0;

    /// <summary>Runs a queued attempt; the thread pool calls this through <see cref="AttemptRun"/>.</summary>
    internal Task StartAsync(AttemptRun attempt)
    {
        Interlocked.Decrement(ref _queued);
        return RunAsync(attempt);
    }

    private async Task RunAsync(AttemptRun attempt)
    {
        var task = attempt.Task;
        var invocation = attempt.Invocation;
        AttemptEnd finished;
        using (var activity = AgentManagerDiagnostics.ActivitySource.StartActivity("task.attempt", ActivityKind.Internal, task.Run.Activity?.Context ?? default))
        {
            activity?.SetTag("agentmanager.workflow.id", invocation.WorkflowId);
            activity?.SetTag("agentmanager.task.id", invocation.TaskId);
            activity?.SetTag("agentmanager.task.attempt", invocation.Attempt);
            activity?.SetTag("agentmanager.agent.id", invocation.AgentId);
            finished = preparer is not null && preparer.Prepares(invocation.AgentId)
                ? await PrepareAndRunAsync(attempt, preparer).ConfigureAwait(false)
                : await RunPreparedAsync(attempt, invocation).ConfigureAwait(false);
            if (finished.Outcome == AttemptOutcome.Failed)
            {
                activity?.SetStatus(ActivityStatusCode.Error, finished.Error);
            }

            activity?.SetTag("agentmanager.attempt.outcome", finished.Outcome.ToString());
        }

        attempt.Finish(finished.Outcome, finished.Error, finished.Output, finished.Usage);
        postFinal(attempt);
    }

    private async ValueTask<AttemptEnd> PrepareAndRunAsync(AttemptRun attempt, AttemptPreparer preparer)
    {
        var task = attempt.Task;
        PreparedAttempt prepared;
        try
        {
            prepared = await preparer.PrepareAsync(task, attempt.Invocation, attempt.WorkflowCancelled).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (attempt.WorkflowCancelled.IsCancellationRequested)
        {
            return new AttemptEnd(AttemptOutcome.Cancelled, "Cancelled.", null, null);
        }

        using (prepared)
        {
            return prepared.Error is { } error
                ? new AttemptEnd(AttemptOutcome.Failed, error, null, null)
                : await RunPreparedAsync(attempt, prepared.Invocation).ConfigureAwait(false);
        }
    }

    private async ValueTask<AttemptEnd> RunPreparedAsync(AttemptRun attempt, AgentInvocation invocation)
    {
        var task = attempt.Task;
        var agent = await RunAgentAsync(attempt, invocation).ConfigureAwait(false);
        if (agent.Outcome != AttemptOutcome.Succeeded || task.Verifier is null)
        {
            await CheckpointAsync(attempt, invocation, agent, null).ConfigureAwait(false);
            return new AttemptEnd(agent.Outcome, agent.Error, agent.Output, agent.Usage);
        }

        if (!attempt.TryBeginVerification())
        {
            // The loop declared the agent's deadline passed just as the agent returned.
            agent = TimedOut(AgentStep(invocation), task.Timeout) with { Output = agent.Output, Usage = agent.Usage };
            await CheckpointAsync(attempt, invocation, agent, null).ConfigureAwait(false);
            return new AttemptEnd(agent.Outcome, agent.Error, agent.Output, agent.Usage);
        }

        attempt.BeginVerification(time.GetTimestamp());
        post(attempt);
        var verification = await VerifyAsync(attempt, task.Verifier, invocation, agent.Result!).ConfigureAwait(false);
        await CheckpointAsync(attempt, invocation, agent, verification).ConfigureAwait(false);
        return new AttemptEnd(verification.Outcome, verification.Error, agent.Output, agent.Usage);
    }

    /// <summary>Keeps the attempt's outputs and declared artifacts, when a checkpoint store is configured,
    /// before the engine records the outcome; a failure to save is logged and never costs the attempt its result.</summary>
    private async ValueTask CheckpointAsync(AttemptRun attempt, AgentInvocation invocation, StepResult agent, StepResult? verification)
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
                    Workdir = attempt.Task.Workdir,
                    Artifacts = attempt.Task.Artifacts,
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["outcome"] = outcome.ToString().ToLowerInvariant() },
                },
                attempt.WorkflowCancelled).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            EngineLog.CheckpointFailed(logger, invocation.WorkflowId, invocation.TaskId, invocation.Attempt, ex);
        }
    }

    /// <summary>Runs the agent under the attempt's token, which the loop cancels when the workflow is cancelled or
    /// the agent's time limit passes; a timeout or an exception becomes a failed step that names what failed.</summary>
    private async ValueTask<StepResult> RunAgentAsync(AttemptRun attempt, AgentInvocation invocation)
    {
        try
        {
            if (invocation.Workdir is not null)
            {
                Directory.CreateDirectory(invocation.Workdir);
            }

            attempt.MarkAgentStarted(time.GetTimestamp());
            var result = await attempt.Runner.RunAsync(invocation, attempt.Token).ConfigureAwait(false);
            return result switch
            {
                null => StepResult.Failed($"Agent '{invocation.AgentId}' returned no result.", null),
                { Succeeded: true } => new StepResult(AttemptOutcome.Succeeded, null, result.Output, result),
                _ => StepResult.Failed(result.Error ?? "The agent failed.", result.Output) with { Usage = result.Usage },
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failure(attempt, AttemptStep.Agent, AgentStep(invocation), attempt.Task.Timeout, ex);
        }
    }

    private async ValueTask<StepResult> VerifyAsync(AttemptRun attempt, IVerifier verifier, AgentInvocation invocation, AgentResult agentResult)
    {
        try
        {
            var context = new VerificationContext { Invocation = invocation, AgentResult = agentResult };
            var result = await verifier.VerifyAsync(context, attempt.Token).ConfigureAwait(false);
            return result switch
            {
                null => StepResult.Failed("The verifier returned no result.", null),
                { Passed: true } => new StepResult(AttemptOutcome.Succeeded, null, result.Output, null),
                _ => StepResult.Failed(result.Reason ?? "Verification failed.", result.Output),
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failure(attempt, AttemptStep.Verifying, "Verification", options.VerificationTimeout, ex);
        }
    }

    private static string AgentStep(AgentInvocation invocation) => $"Agent '{invocation.AgentId}'";

    /// <summary>What a step that threw ended as: cancelled with its workflow, timed out, or failed.</summary>
    private static StepResult Failure(AttemptRun attempt, AttemptStep step, string what, TimeSpan limit, Exception ex) => ex switch
    {
        OperationCanceledException when attempt.WorkflowCancelled.IsCancellationRequested => new StepResult(AttemptOutcome.Cancelled, "Cancelled.", null, null),
        OperationCanceledException when attempt.TimedOut(step) => TimedOut(what, limit),
        _ => StepResult.Failed($"{what} threw {ex.GetType().Name}: {ex.Message}", null),
    };

    private static StepResult TimedOut(string what, TimeSpan limit) => StepResult.Failed($"{what} timed out after {limit.TotalSeconds:0.###} s.", null);

    /// <summary>How an attempt ended: what <see cref="AttemptRun.Finish"/> records.</summary>
    private readonly record struct AttemptEnd(AttemptOutcome Outcome, string? Error, string? Output, AgentUsage? Usage);

    private readonly record struct StepResult(AttemptOutcome Outcome, string? Error, string? Output, AgentResult? Result)
    {
        /// <summary>Gets what the agent reported it consumed.</summary>
        public AgentUsage? Usage { get; init; } = Result?.Usage;

        public static StepResult Failed(string error, string? output) => new(AttemptOutcome.Failed, error, output, null);
    }
}
