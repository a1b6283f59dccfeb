using System.Globalization;
using AgentManager.Agents;

namespace AgentManager.Hooks;

/// <summary>One runtime hook: a command run without a shell at a <see cref="HookPoint"/>. Immutable.</summary>
/// <remarks>
/// <para>The command runs with the host's environment plus <see cref="Environment"/> plus the run's context
/// (see <see cref="IHookRunner.RunAsync"/>), in <see cref="WorkingDirectory"/>; standard input is closed at
/// once. It is killed with its whole process tree when it runs past <see cref="Timeout"/>.</para>
/// <para>Properties check only for null when set; <see cref="HookOptions"/> validation and
/// <see cref="HooksFile.Load"/> check every other rule.</para>
/// </remarks>
public sealed class HookDefinition
{
    /// <summary>The timeout of a hook that sets none: 30 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest timeout a hook may set: one day.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    private readonly string name = "";
    private readonly IReadOnlyList<string> command = [];
    private readonly IReadOnlyDictionary<string, string> environment = Frozen.Map([], "environment");

    /// <summary>Gets the hook's name, used in events and errors; a valid id (see <see cref="Ids"/>).</summary>
    public required string Name
    {
        get => name;
        init => name = value ?? throw new ArgumentNullException(nameof(Name));
    }

    /// <summary>Gets the point the hook runs at.</summary>
    public required HookPoint Point { get; init; }

    /// <summary>Gets the argument vector: element 0 is the program (looked up on PATH unless it has a
    /// directory part, which is relative to <see cref="WorkingDirectory"/>), the rest its arguments.</summary>
    public required IReadOnlyList<string> Command
    {
        get => command;
        init => command = Frozen.List(value, nameof(Command));
    }

    /// <summary>Gets how long the command may run before it is killed and counted as failed; 30 seconds by
    /// default, at most <see cref="MaxTimeout"/>.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Gets whether a failure is tolerated: it is reported but never blocks; <see langword="false"/>
    /// by default.</summary>
    public bool AllowFailure { get; init; }

    /// <summary>Gets whether the hook runs at all; <see langword="true"/> by default. The global switch is
    /// <see cref="HookOptions.Enabled"/>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Gets extra environment variables for the command; the run's context variables are set after
    /// them and win on a clash.</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get => environment;
        init => environment = Frozen.Map(value, nameof(Environment));
    }

    /// <summary>Gets the directory the command runs in; <see langword="null"/> (the default) uses the current
    /// directory. A hook read by <see cref="HooksFile.Load"/> runs in the file's directory unless it says
    /// otherwise.</summary>
    public string? WorkingDirectory { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Point.ToWireName()})";

    /// <summary>Every broken rule, with wire field names (<c>name</c>, <c>point</c>, <c>command</c>,
    /// <c>timeout_seconds</c>, <c>env</c>).</summary>
    internal IEnumerable<FieldError> Problems()
    {
        if (!Ids.IsValid(Name))
        {
            yield return new("name", Name.Length == 0 ? "required; every hook needs a name matching " + Ids.Pattern : Ids.Describe(Name));
        }

        if (!Enum.IsDefined(Point))
        {
            yield return new("point", $"{(int)Point} is not a hook point; use one of {string.Join(", ", HookPointNames.All)}");
        }

        if (Command.Count == 0 || string.IsNullOrWhiteSpace(Command[0]))
        {
            yield return new("command", "must be a non-empty argument vector whose first element names the program (no shell is used)");
        }

        for (var i = 1; i < Command.Count; i++)
        {
            if (Command[i] is null)
            {
                yield return new($"command[{i}]", "arguments must not be null; use \"\" for an empty one");
            }
        }

        if (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout)
        {
            yield return new("timeout_seconds", string.Create(
                CultureInfo.InvariantCulture,
                $"{Timeout.TotalSeconds} is out of range; it must be above 0 and at most {MaxTimeout.TotalSeconds}"));
        }

        foreach (var problem in Frozen.EnvironmentProblems(Environment, "env"))
        {
            yield return problem;
        }

        foreach (var (key, value) in Environment)
        {
            if (key.Contains('\0', StringComparison.Ordinal) || (value?.Contains('\0', StringComparison.Ordinal) ?? false))
            {
                yield return new("env", $"the variable '{key.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character, which no environment can carry");
            }
        }

        if (WorkingDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            yield return new("working_directory", "must not be blank; omit it to use the default");
        }
    }
}
