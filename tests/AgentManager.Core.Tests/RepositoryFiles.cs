namespace AgentManager.Tests;

/// <summary>Finds files of the repository from the test output folder.</summary>
internal static class RepositoryFiles
{
    /// <summary>Gets the full path of a file given relative to the folder that holds AgentManager.slnx.</summary>
    public static string PathOf(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AgentManager.slnx")))
            {
                return Path.Combine(folder.FullName, relativePath);
            }
        }

        throw new InvalidOperationException($"No folder above '{AppContext.BaseDirectory}' holds AgentManager.slnx.");
    }
}
