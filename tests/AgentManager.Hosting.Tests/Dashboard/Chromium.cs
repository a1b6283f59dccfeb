namespace AgentManager.Tests.Dashboard;

/// <summary>Debian's <c>chromium</c>, which the browser tests drive through Playwright (no Playwright browser download).</summary>
internal static class Chromium
{
    /// <summary>Gets the executable: <c>CHROMIUM_PATH</c> when set, else <c>chromium</c> on the PATH; <see langword="null"/> when missing.</summary>
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "chromium"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A test that drives Chromium; skipped, saying why, only where Chromium is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "Debian's chromium is not installed (apt-get install -y chromium, as .ci/run does) and CHROMIUM_PATH is not set; the dashboard browser test cannot run.";
        }
    }
}
