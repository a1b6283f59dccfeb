using System.Globalization;

namespace AgentManager.Execution;

/// <summary>Verifies an attempt by running a command (a test suite, a linter) in the task's working
/// directory, without a shell: exit code 0 passes.</summary>
/// <remarks>The command gets the same environment as the agent's process: the inherited variables plus
/// the <see cref="AgentEnvironment"/> ones. Its output is standard output followed by standard error, each
/// bounded to its tail. A program that cannot be started fails the check. When the token is canceled the
/// whole process tree is killed and awaited before <see cref="OperationCanceledException"/> is
/// thrown.</remarks>
public sealed class CommandVerifier : IVerifier
{
    private readonly string[] command;
    private readonly int maxOutputChars;

    /// <summary>Creates the verifier from an argument vector.</summary>
    /// <param name="command">Element 0 is the program, the rest its arguments. A program that is not an
    /// absolute path is resolved as for <see cref="ProcessAgentOptions.Command"/>, not against the task's
    /// working directory.</param>
    /// <param name="maxOutputChars">How many characters of each output stream are kept.</param>
    /// <exception cref="ArgumentNullException"><paramref name="command"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="command"/> is empty, names a blank program or
    /// holds a null argument.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOutputChars"/> is less than
    /// 1.</exception>
    public CommandVerifier(IReadOnlyList<string> command, int maxOutputChars = ProcessAgentOptions.DefaultMaxOutputChars)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutputChars, 1);
        if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
        {
            throw new ArgumentException(
                "The verification command must start with a non-blank program to run.", nameof(command));
        }

        if (command.Any(argument => argument is null))
        {
            throw new ArgumentException(
                "The verification command holds a null argument; use \"\" for an empty one.", nameof(command));
        }

        this.command = [.. command];
        this.maxOutputChars = maxOutputChars;
    }

    /// <summary>Gets the argument vector: element 0 is the program, the rest its arguments.</summary>
    public IReadOnlyList<string> Command => command;

    /// <summary>Creates the verifier from a command line, split into arguments without a shell.</summary>
    /// <param name="commandLine">White space separates arguments; <c>'...'</c> is literal; <c>"..."</c> is
    /// literal except for the escapes <c>\"</c> and <c>\\</c>; outside quotes a backslash takes the next
    /// character literally. Pipes, redirections and variables have no special meaning.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="commandLine"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="commandLine"/> is blank, has an unterminated
    /// quote, ends with a lone backslash or names a blank program; the message quotes the command line and
    /// the rule.</exception>
    public static CommandVerifier Parse(string commandLine) => new(CommandLine.Split(commandLine));

    /// <inheritdoc/>
    public async ValueTask<VerificationResult> VerifyAsync(VerificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = new ChildProcessSpec
        {
            Arguments = command,
            WorkingDirectory = AgentEnvironment.WorkdirOf(context.Invocation),
            Environment = [.. AgentEnvironment.VariablesOf(context.Invocation)],
            MaxOutputChars = maxOutputChars,
        };

        var outcome = await ChildProcess.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (outcome.StartError is not null)
        {
            return VerificationResult.Fail(
                $"Verification '{this}' could not start program '{command[0]}': {outcome.StartError}");
        }

        var output = Combine(outcome.StandardOutput, outcome.StandardError);
        if (outcome.ExitCode == 0)
        {
            return VerificationResult.Pass(output);
        }

        var tail = OutputTail.Of(output);
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"Verification '{this}' exited with code {outcome.ExitCode}{(tail.Length == 0 ? "." : ": " + tail)}");
        return VerificationResult.Fail(reason, output);
    }

    /// <summary>Returns the command for display, quoted so that <see cref="Parse"/> gives it back.</summary>
    /// <returns>The command line.</returns>
    public override string ToString() => CommandLine.Format(command);

    private static string Combine(string standardOutput, string standardError) =>
        standardOutput.Length == 0 || standardError.Length == 0
            ? standardOutput + standardError
            : standardOutput.EndsWith('\n') ? standardOutput + standardError : standardOutput + "\n" + standardError;
}
