using System.Globalization;
using AgentManager.Events;
using AgentManager.Execution;
using Microsoft.Extensions.Options;

namespace AgentManager.Hooks;

/// <summary>Runs hook commands as child processes without a shell, one at a time, each bounded by its timeout
/// on the <see cref="TimeProvider"/>, and publishes an event per run.</summary>
internal sealed class HookRunner : IHookRunner
{
    private readonly HookOptions _options;
    private readonly IReadOnlyList<HookDefinition> _hooks;
    private readonly IEventBus _events;
    private readonly TimeProvider _time;

    /// <summary>Creates the runner. When hooks are enabled the hooks of <see cref="HookOptions.Hooks"/> and of
    /// the configuration directory's <c>hooks.json</c> are checked and read now.</summary>
    /// <exception cref="HookConfigurationException">A hook is invalid or the hooks file is bad.</exception>
    public HookRunner(IOptions<HookOptions> options, IEventBus events, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _events = events;
        _time = time;
        _hooks = _options.Enabled ? HookOptionsValidator.LoadHooks(_options) : [];
    }

    /// <summary>Gets the hooks the runner knows, options first then the file's; empty when disabled.</summary>
    public IReadOnlyList<HookDefinition> Hooks => _hooks;

    public async ValueTask<HookRunResult> RunAsync(
        HookPoint point,
        string workflowId,
        IReadOnlyDictionary<string, string> context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Ids.ThrowIfInvalid(workflowId);
        if (!Enum.IsDefined(point))
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, "Not a defined HookPoint.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var selected = _hooks.Where(hook => hook.Enabled && hook.Point == point).ToList();
        if (selected.Count == 0)
        {
            return HookRunResult.None(point);
        }

        var contextVariables = HookEnvironment.FromContext(context, _options.MaxContextValueChars);
        var outcomes = new List<HookOutcome>(selected.Count);
        foreach (var hook in selected)
        {
            var outcome = await RunOneAsync(hook, workflowId, contextVariables, cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            await PublishAsync(outcome, workflowId, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded && !hook.AllowFailure && point.IsBlocking())
            {
                return new HookRunResult(point, outcomes.AsReadOnly(), outcome);
            }
        }

        return new HookRunResult(point, outcomes.AsReadOnly());
    }

    private async Task<HookOutcome> RunOneAsync(
        HookDefinition hook,
        string workflowId,
        List<KeyValuePair<string, string>> contextVariables,
        CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> environment =
        [
            .. hook.Environment,
            .. contextVariables,
            new(HookEnvironment.Point, hook.Point.ToWireName()),
            new(HookEnvironment.Name, hook.Name),
            new(HookEnvironment.WorkflowId, workflowId),
        ];
        var spec = new ChildProcessSpec
        {
            Arguments = hook.Command,
            WorkingDirectory = hook.WorkingDirectory ?? Environment.CurrentDirectory,
            Environment = environment,
            MaxOutputChars = _options.MaxOutputChars,
        };

        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(hook.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ChildProcessOutcome process;
        try
        {
            process = await ChildProcess.RunAsync(spec, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            return new HookOutcome
            {
                HookName = hook.Name,
                Point = hook.Point,
                Succeeded = false,
                AllowFailure = hook.AllowFailure,
                TimedOut = true,
                Duration = _time.GetElapsedTime(started),
                Error = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Hook '{hook.Name}' ({hook.Point.ToWireName()}) timed out after {hook.Timeout.TotalSeconds} s; its process tree was killed."),
            };
        }

        var duration = _time.GetElapsedTime(started);
        if (process.StartError is not null)
        {
            return new HookOutcome
            {
                HookName = hook.Name,
                Point = hook.Point,
                Succeeded = false,
                AllowFailure = hook.AllowFailure,
                Duration = duration,
                Error = $"Hook '{hook.Name}' ({hook.Point.ToWireName()}) could not start program '{hook.Command[0]}': {process.StartError}",
            };
        }

        var tail = OutputTail.Of(Join(process.StandardOutput, process.StandardError));
        var succeeded = process.ExitCode == 0;
        return new HookOutcome
        {
            HookName = hook.Name,
            Point = hook.Point,
            Succeeded = succeeded,
            AllowFailure = hook.AllowFailure,
            ExitCode = process.ExitCode,
            Duration = duration,
            OutputTail = tail,
            Error = succeeded
                ? null
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"Hook '{hook.Name}' ({hook.Point.ToWireName()}) exited with code {process.ExitCode}{(tail.Length == 0 ? "." : ": " + tail)}"),
        };
    }

    private ValueTask PublishAsync(HookOutcome outcome, string workflowId, CancellationToken cancellationToken) =>
        _events.PublishAsync(
            new HookEvent(outcome.Succeeded ? EventTypes.HookSucceeded : EventTypes.HookFailed, workflowId, _time.GetUtcNow(), outcome.HookName, outcome.Point)
            {
                ExitCode = outcome.ExitCode,
                Duration = outcome.Duration,
                OutputTail = outcome.OutputTail,
                Reason = outcome.Error,
                TimedOut = outcome.TimedOut,
                AllowFailure = outcome.AllowFailure,
            },
            cancellationToken);

    private static string Join(string standardOutput, string standardError) =>
        standardOutput.Length == 0 || standardError.Length == 0 || standardOutput.EndsWith('\n')
            ? standardOutput + standardError
            : standardOutput + "\n" + standardError;
}
