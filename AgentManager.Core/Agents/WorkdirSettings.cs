namespace AgentManager.Agents;

/// <summary>Where an agent's tasks work: the <c>workdir</c> object of a profile. Immutable.</summary>
/// <remarks>The directories are made by <see cref="TaskWorkdir.Prepare"/>.</remarks>
public sealed class WorkdirSettings
{
    /// <summary>Gets the agent's root directory, relative to the engine's workspace directory and checked by
    /// the <see cref="WorkdirPath"/> rules (never absolute, no <c>..</c>, no <c>~</c>);
    /// <see langword="null"/> (the default) uses the agent id.</summary>
    public string? Root { get; init; }

    /// <summary>Gets how tasks share the root; <see cref="WorkdirMode.Isolated"/> by default.</summary>
    public WorkdirMode Mode { get; init; } = WorkdirMode.Isolated;

    /// <summary>Gets whether a missing root is created (<see langword="true"/>, the default) or is an
    /// error.</summary>
    public bool CreateIfMissing { get; init; } = true;

    internal IEnumerable<FieldError> Problems()
    {
        if (Root is not null && WorkdirPath.CheckRelative(Root) is { } error)
        {
            yield return new("workdir.root", error);
        }

        if (!Enum.IsDefined(Mode))
        {
            yield return new("workdir.mode", $"{(int)Mode} is not a mode; use \"isolated\", \"shared\" or \"temporary\"");
        }
    }
}
