using System.Text;

namespace AgentManager.Agents;

/// <summary>The working directory of one task, made by <see cref="Prepare"/> from the agent's
/// <see cref="AgentProfile.Workdir"/>; disposing it removes a <see cref="WorkdirMode.Temporary"/> directory.</summary>
/// <remarks>The engine prepares the directory once per task, runs every attempt in <see cref="Path"/> and
/// disposes it when the task is over.</remarks>
public sealed class TaskWorkdir : IDisposable
{
    private int disposed;

    private TaskWorkdir(string path, WorkdirMode mode)
    {
        Path = path;
        Mode = mode;
    }

    /// <summary>Gets the absolute directory the task works in; it exists once prepared.</summary>
    public string Path { get; }

    /// <summary>Gets the mode the directory was made for.</summary>
    public WorkdirMode Mode { get; }

    /// <summary>Makes the working directory of a task for <paramref name="profile"/>.</summary>
    /// <param name="profile">The agent that runs the task.</param>
    /// <param name="workspaceDirectory">The absolute directory that holds every agent's root.</param>
    /// <param name="workflowId">The task's workflow id.</param>
    /// <param name="taskId">The task id.</param>
    /// <returns>The directory, created. The agent's root is <paramref name="workspaceDirectory"/> joined with
    /// <see cref="WorkdirSettings.Root"/> (the agent id when not set). <see cref="WorkdirMode.Shared"/> uses the
    /// root itself; <see cref="WorkdirMode.Isolated"/> and <see cref="WorkdirMode.Temporary"/> use
    /// <c>&lt;root&gt;/&lt;workflow id&gt;/&lt;task id&gt;</c>, where an id's <c>:</c> is written <c>%3A</c> and its trailing
    /// dots <c>%2E</c> so that every id is a safe directory name.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="workspaceDirectory"/> is not fully qualified, or an id
    /// is not valid (see <see cref="Ids"/>).</exception>
    /// <exception cref="AgentConfigurationException">The root breaks the <see cref="WorkdirPath"/> rules (a
    /// symbolic link leading out of the workspace included), or it does not exist while
    /// <see cref="WorkdirSettings.CreateIfMissing"/> is <see langword="false"/>.</exception>
    /// <exception cref="IOException">A directory could not be created.</exception>
    public static TaskWorkdir Prepare(AgentProfile profile, string workspaceDirectory, string workflowId, string taskId)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(workspaceDirectory);
        Ids.ThrowIfInvalid(workflowId);
        Ids.ThrowIfInvalid(taskId);
        if (!System.IO.Path.IsPathFullyQualified(workspaceDirectory))
        {
            throw new ArgumentException(
                $"The workspace directory '{workspaceDirectory}' must be a fully qualified path.", nameof(workspaceDirectory));
        }

        var settings = profile.Workdir;
        var rootValue = settings.Root ?? Segment(profile.AgentId);
        if (!WorkdirPath.TryResolve(workspaceDirectory, rootValue, out var root, out var error))
        {
            throw new AgentConfigurationException([$"agent '{profile.AgentId}': workdir.root: {error}"]);
        }

        if (!settings.CreateIfMissing && !Directory.Exists(root))
        {
            throw new AgentConfigurationException(
                [$"agent '{profile.AgentId}': workdir.root: the directory '{root}' does not exist and create_if_missing is false"]);
        }

        var path = root;
        if (settings.Mode != WorkdirMode.Shared)
        {
            var relative = Segment(workflowId) + "/" + Segment(taskId);
            if (!WorkdirPath.TryResolve(root, relative, out path, out error))
            {
                throw new AgentConfigurationException([$"agent '{profile.AgentId}': task directory: {error}"]);
            }
        }

        Directory.CreateDirectory(path);
        return new TaskWorkdir(path, settings.Mode);
    }

    /// <summary>Removes the directory and everything in it when <see cref="Mode"/> is
    /// <see cref="WorkdirMode.Temporary"/>; does nothing otherwise. Best effort: a file still in use leaves
    /// the directory behind rather than throwing.</summary>
    public void Dispose()
    {
        if (Mode != WorkdirMode.Temporary || Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort, as documented: the workspace owner can remove what is left.
        }
    }

    /// <summary>Finds the folder that holds the task directories of one workflow for <paramref name="profile"/>
    /// (<c>&lt;root&gt;/&lt;workflow id&gt;</c>) without creating or checking anything on disk.</summary>
    /// <returns><see langword="false"/> for a <see cref="WorkdirMode.Shared"/> profile (its tasks share the root) or a
    /// root the workdir rules refuse (no task directory was ever made under it).</returns>
    internal static bool TryFindWorkflowFolder(AgentProfile profile, string workspaceDirectory, string workflowId, out string folder)
    {
        folder = string.Empty;
        return profile.Workdir.Mode != WorkdirMode.Shared
            && System.IO.Path.IsPathFullyQualified(workspaceDirectory)
            && WorkdirPath.TryResolve(workspaceDirectory, profile.Workdir.Root ?? Segment(profile.AgentId), out var root, out _)
            && WorkdirPath.TryResolve(root, Segment(workflowId), out folder, out _);
    }

    /// <summary>Writes a valid id as a directory name that is safe on every system.</summary>
    internal static string Segment(string id)
    {
        var builder = new StringBuilder(id.Replace(":", "%3A", StringComparison.Ordinal));
        for (var i = builder.Length - 1; i >= 0 && builder[i] == '.'; i--)
        {
            builder.Remove(i, 1).Insert(i, "%2E");
        }

        return builder.ToString();
    }
}
