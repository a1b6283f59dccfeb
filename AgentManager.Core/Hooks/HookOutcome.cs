namespace AgentManager.Hooks;

/// <summary>How one hook run ended.</summary>
public sealed class HookOutcome
{
    /// <summary>Gets the hook's name.</summary>
    public required string HookName { get; init; }

    /// <summary>Gets the point it ran at.</summary>
    public required HookPoint Point { get; init; }

    /// <summary>Gets whether the command exited with code 0.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>Gets whether the hook's failure is tolerated (<see cref="HookDefinition.AllowFailure"/>).</summary>
    public bool AllowFailure { get; init; }

    /// <summary>Gets the exit code, or <see langword="null"/> when the command timed out or could not start.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Gets whether the command was killed for running past its timeout.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Gets how long the hook ran.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the last lines of standard output followed by standard error; empty when there was none.</summary>
    public string OutputTail { get; init; } = "";

    /// <summary>Gets why the hook failed, naming it; <see langword="null"/> on success.</summary>
    public string? Error { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Succeeded ? $"{HookName}: succeeded" : Error ?? $"{HookName}: failed";
}
