namespace AgentManager.Tests.Agents;

/// <summary>A fresh temporary directory, deleted on dispose, with helpers to write files into it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentmanager-agents-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Gets the full path of a file given with '/' separators.</summary>
    public string PathOf(string relative) => System.IO.Path.Combine([Path, .. relative.Split('/')]);

    /// <summary>Writes a file given with '/' separators, creating its folders; returns its full path.</summary>
    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner takes what is left.
        }
    }
}
