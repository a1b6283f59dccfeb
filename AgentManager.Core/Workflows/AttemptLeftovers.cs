using AgentManager.Agents;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>Removes what the attempts of a workflow left on disk when the engine that ran them stopped without cleaning
/// up (a crash): the MCP configuration folders of its tasks, which may hold the servers' secrets, and the
/// <see cref="WorkdirMode.Temporary"/> directories of its tasks that had already ended.</summary>
/// <remarks>Run when the workflow is resumed, under its lease and before any attempt of it starts, so no attempt of it
/// is using these files. The directory of a task that has not ended is kept: its next attempt works in it, as a retry
/// would. Best effort, like the removal after an attempt: what cannot be removed is logged and kept.</remarks>
internal static class AttemptLeftovers
{
    public static void Remove(AgentCatalog catalog, WorkflowRun run, IReadOnlyList<TaskRecord> tasks, ILogger logger)
    {
        Dictionary<string, bool>? endedByFolder = null;
        Dictionary<string, bool> EndedByFolder() => endedByFolder ??= tasks.ToDictionary(
            t => TaskWorkdir.Segment(t.TaskId),
            t => t.State.IsTerminal(),
            StringComparer.Ordinal);

        RemoveChildren(AttemptPreparer.McpFolder(run.WorkRoot, run.Id), _ => true, EndedByFolder, run.Id, logger);
        foreach (var profile in catalog.Profiles)
        {
            if (profile.Workdir.Mode == WorkdirMode.Temporary
                && TaskWorkdir.TryFindWorkflowFolder(profile, run.WorkRoot, run.Id, out var folder))
            {
                RemoveChildren(folder, ended => ended, EndedByFolder, run.Id, logger);
            }
        }
    }

    /// <summary>Removes the task folders directly under <paramref name="parent"/> whose task the workflow has and
    /// <paramref name="removes"/> accepts (given whether the task ended); other entries are never touched, and one that
    /// cannot be removed does not keep the others.</summary>
    private static void RemoveChildren(string parent, Func<bool, bool> removes, Func<Dictionary<string, bool>> endedByFolder, string workflowId, ILogger logger)
    {
        string[] children;
        try
        {
            children = Directory.Exists(parent) ? Directory.GetDirectories(parent) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            EngineLog.LeftoverRemovalFailed(logger, workflowId, parent, ex);
            return;
        }

        foreach (var child in children)
        {
            if (!endedByFolder().TryGetValue(Path.GetFileName(child), out var ended) || !removes(ended))
            {
                continue;
            }

            try
            {
                Directory.Delete(child, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                EngineLog.LeftoverRemovalFailed(logger, workflowId, child, ex);
            }
        }
    }
}
