using AgentManager.Events;
using AgentManager.Hosting.Contracts;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>GET /status</c>: the original's counters, over every stored workflow.</summary>
internal static class StatusEndpoints
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/status", StatusAsync).WithTags("Status").WithSummary("Task counts over every stored workflow, and events published.").Produces<StatusView>();

    private static async Task<IResult> StatusAsync(HttpContext context, [FromServices] IStateStore store, [FromServices] IEventBus bus)
    {
        var counts = new int[Enum.GetValues<TaskState>().Length];
        foreach (var count in await store.CountTasksAsync(null, context.RequestAborted).ConfigureAwait(false))
        {
            counts[(int)count.State] += count.Count;
        }

        var workflows = await store.QueryWorkflowsAsync(new WorkflowQuery { Limit = 0 }, context.RequestAborted).ConfigureAwait(false);
        var total = counts.Sum();
        var view = new StatusView(
            TotalTasks: total,
            RunningTasks: counts[(int)TaskState.Implementing] + counts[(int)TaskState.Verifying],
            CompletedTasks: counts[(int)TaskState.Completed],
            DagNodes: total,
            EventsPublished: bus.PublishedCount,
            Workflows: workflows.Total,
            ReadyTasks: counts[(int)TaskState.Ready],
            BlockedTasks: counts[(int)TaskState.BlockedRepair] + counts[(int)TaskState.BlockedHitl],
            FailedTasks: counts[(int)TaskState.Failed]);
        return ApiResults.Ok(view, ApiJson.Context.StatusView);
    }
}
