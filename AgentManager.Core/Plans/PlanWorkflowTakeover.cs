using System.Globalization;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentManager.Plans;

/// <summary>Resumes, on this host, the running workflows made from a confirmed task plan that no engine holds any more:
/// their lease expired (the host that ran them died or lost the store) or was given up (it stopped). The definition is
/// built again from the plan version the workflow was made from, so no caller has to supply it. Of hosts scanning at
/// once, the lease lets one resume each workflow.</summary>
internal sealed partial class PlanWorkflowTakeover(
    IStateStore store,
    TaskPlanService plans,
    AgentCatalog catalog,
    IWorkflowEngine engine,
    TimeProvider time,
    IOptions<PlanWorkflowTakeoverOptions> options,
    ILogger<PlanWorkflowTakeover>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Resumes every abandoned plan-based workflow found now; returns the ids this host took over.</summary>
    internal async Task<IReadOnlyList<string>> ScanAsync(CancellationToken cancellationToken)
    {
        var taken = new List<string>();
        foreach (var workflow in await store.ListUnheldRunningWorkflowsAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            if (!workflow.Metadata.TryGetValue(PlanWorkflowBuilder.PlanIdKey, out var planId)
                || !workflow.Metadata.TryGetValue(PlanWorkflowBuilder.PlanVersionKey, out var versionText)
                || !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                continue;
            }

            try
            {
                var definition = PlanWorkflowBuilder.Build(await plans.GetAsync(planId, version, cancellationToken).ConfigureAwait(false), catalog.PlanRunnerOf);
                definition.Id = workflow.WorkflowId;
                definition.Name = workflow.Name;
                definition.WorkRoot = workflow.WorkRoot;
                foreach (var (key, value) in workflow.Metadata)
                {
                    definition.Metadata[key] = value;
                }

                await engine.ResumeAsync(definition, cancellationToken).ConfigureAwait(false);
                taken.Add(workflow.WorkflowId);
                TookOver(_logger, workflow.WorkflowId, planId, version, workflow.LeaseOwner ?? "(none)");
            }
            catch (Exception ex) when (ex is LeaseHeldException or WorkflowStateException)
            {
                // Another host resumed it first, or it finished or is run here meanwhile.
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                TakeoverFailed(_logger, workflow.WorkflowId, planId, ex);
            }
        }

        return taken;
    }

    // A BackgroundService, so that a host stopped again after its services were disposed (as WebApplicationFactory's
    // disposal can do) finds nothing disposed here.
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.Interval, time, stopping).ConfigureAwait(false);
                try
                {
                    await ScanAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ScanFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Took over workflow {WorkflowId} (plan {PlanId} version {PlanVersion}), whose lease {PreviousOwner} no longer held")]
    private static partial void TookOver(ILogger logger, string workflowId, string planId, int planVersion, string previousOwner);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Workflow {WorkflowId} of plan {PlanId} could not be taken over; the next scan tries again")]
    private static partial void TakeoverFailed(ILogger logger, string workflowId, string planId, Exception exception);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Scanning the store for workflows to take over failed; the next scan tries again")]
    private static partial void ScanFailed(ILogger logger, Exception exception);
}
