namespace AgentManager.Persistence.Checkpoints;

/// <summary>The names of checkpoint entries.</summary>
public static class CheckpointEntryNames
{
    /// <summary>The entry holding the agent's output.</summary>
    public const string AgentOutput = "agent-output";

    /// <summary>The entry holding the verification's output.</summary>
    public const string VerificationOutput = "verification-output";

    /// <summary>The prefix of every artifact entry name.</summary>
    public const string ArtifactPrefix = "artifacts/";

    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>Gets the entry name of a declared artifact: <see cref="ArtifactPrefix"/> followed by the
    /// path's segments joined with <c>/</c>, without empty and <c>.</c> segments.</summary>
    /// <param name="relativePath">The artifact path as declared, e.g. <c>out\report.md</c> or <c>./out/report.md</c>.</param>
    /// <returns>The entry name, e.g. <c>artifacts/out/report.md</c>.</returns>
    public static string Artifact(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var segments = relativePath.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        return ArtifactPrefix + string.Join('/', segments);
    }
}
