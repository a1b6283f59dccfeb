namespace AgentManager.Hooks;

/// <summary>Settings of the runtime hooks: the global switch, the hooks configured in code, and the
/// configuration directory whose <c>hooks.json</c> adds more.</summary>
public sealed class HookOptions
{
    /// <summary>The default of <see cref="MaxOutputChars"/>.</summary>
    public const int DefaultMaxOutputChars = 16 * 1024;

    /// <summary>The default of <see cref="MaxContextValueChars"/>.</summary>
    public const int DefaultMaxContextValueChars = 4096;

    /// <summary>Gets or sets the global switch: when off no hook runs and every run reports nothing.</summary>
    /// <value>The default is <see langword="false"/>: hooks are opt-in.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets the hooks configured in code. At each point they run in list order, before the hooks of
    /// <c>hooks.json</c>.</summary>
    public IList<HookDefinition> Hooks { get; } = new List<HookDefinition>();

    /// <summary>Gets or sets the configuration directory; when it holds a <c>hooks.json</c>
    /// (<see cref="HooksFile.FileName"/>) its hooks are added after <see cref="Hooks"/>.</summary>
    /// <value>The default, <see langword="null"/>, reads no file. The file is read only while
    /// <see cref="Enabled"/> is on.</value>
    public string? ConfigDirectory { get; set; }

    /// <summary>Gets or sets how many characters of each output stream of a hook are kept.</summary>
    /// <value>The default is 16384. Must be at least 1.</value>
    public int MaxOutputChars { get; set; } = DefaultMaxOutputChars;

    /// <summary>Gets or sets how many runs of the non-blocking workflow hook points (<c>after_workflow_run</c>,
    /// <c>task_failed</c>, <c>task_blocked</c>) the engine makes at once; further ones wait their turn.</summary>
    /// <value>The default is 4. Must be at least 1.</value>
    public int MaxConcurrentRuns { get; set; } = 4;

    /// <summary>Gets or sets the longest context value passed to a hook; longer values are cut.</summary>
    /// <value>The default is 4096. Must be at least 1.</value>
    public int MaxContextValueChars { get; set; } = DefaultMaxContextValueChars;
}
