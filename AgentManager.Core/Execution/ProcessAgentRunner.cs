using System.Globalization;

namespace AgentManager.Execution;

/// <summary>Runs each attempt as an operating system process (an agent CLI), without a shell.</summary>
/// <remarks>
/// <para>The process runs in <see cref="AgentInvocation.Workdir"/> (or the current directory) with the
/// inherited environment, the <see cref="AgentEnvironment"/> variables and
/// <see cref="ProcessAgentOptions.Environment"/>. Exit code 0 is success with standard output as the
/// output; any other code is a failure whose error quotes the last lines of standard error (or of standard
/// output when standard error is empty). A program that cannot be started is a failure, not an
/// exception.</para>
/// <para>The process may report what it consumed by writing JSON to the file named by
/// <see cref="AgentEnvironment.UsageFile"/>; the result then carries it as <see cref="AgentResult.Usage"/>, counted
/// against budgets whether the run succeeded or failed. A file that is not such a report fails the run, naming
/// what is wrong.</para>
/// <para>When the token is canceled the whole process tree is killed and awaited before
/// <see cref="OperationCanceledException"/> is thrown.</para>
/// </remarks>
public sealed class ProcessAgentRunner : IAgentRunner
{
    private readonly string[] command;
    private readonly KeyValuePair<string, string>[] environment;
    private readonly PromptDelivery promptDelivery;
    private readonly int maxOutputChars;

    /// <summary>Creates the runner from a snapshot of <paramref name="options"/>; later changes to the
    /// options do not affect it.</summary>
    /// <param name="options">How to start the process.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (see
    /// <see cref="ProcessAgentOptions.Validate"/>).</exception>
    public ProcessAgentRunner(ProcessAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        command = [.. options.Command];
        environment = [.. options.Environment];
        promptDelivery = options.PromptDelivery;
        maxOutputChars = options.MaxOutputChars;
    }

    /// <inheritdoc/>
    public async ValueTask<AgentResult> RunAsync(AgentInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var usageFile = ProcessUsageFile.NewPath();
        var spec = new ChildProcessSpec
        {
            Arguments = promptDelivery == PromptDelivery.Argument ? [.. command, invocation.Prompt] : command,
            WorkingDirectory = AgentEnvironment.WorkdirOf(invocation),
            Environment = [.. AgentEnvironment.VariablesOf(invocation), new(AgentEnvironment.UsageFile, usageFile), .. environment],
            StandardInput = promptDelivery == PromptDelivery.Stdin ? invocation.Prompt : null,
            MaxOutputChars = maxOutputChars,
        };

        ChildProcessOutcome outcome;
        try
        {
            outcome = await ChildProcess.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ProcessUsageFile.Delete(usageFile);
            throw;
        }

        var program = command[0];
        if (outcome.StartError is not null)
        {
            return AgentResult.Failure($"Process '{program}' could not be started: {outcome.StartError}");
        }

        var result = ResultOf(program, outcome);
        if (!ProcessUsageFile.TryRead(usageFile, out var usage, out var usageError))
        {
            var exit = outcome.ExitCode == 0 ? "succeeded" : string.Create(CultureInfo.InvariantCulture, $"exited with code {outcome.ExitCode}");
            return AgentResult.Failure($"Process '{program}' {exit} but its usage file ({AgentEnvironment.UsageFile}) cannot be read: {usageError}", outcome.StandardOutput, outcome.ExitCode);
        }

        return usage is null ? result : result.WithUsage(usage);
    }

    private static AgentResult ResultOf(string program, ChildProcessOutcome outcome)
    {
        if (outcome.ExitCode == 0)
        {
            return AgentResult.Success(outcome.StandardOutput, exitCode: 0);
        }

        var tail = OutputTail.Of(outcome.StandardError);
        if (tail.Length == 0)
        {
            tail = OutputTail.Of(outcome.StandardOutput);
        }

        var error = string.Create(
            CultureInfo.InvariantCulture,
            $"Process '{program}' exited with code {outcome.ExitCode}{(tail.Length == 0 ? "." : ": " + tail)}");
        return AgentResult.Failure(error, outcome.StandardOutput, outcome.ExitCode);
    }
}
