using System.Globalization;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentManager.Samples.Console;

/// <summary><c>serve --config DIR [--db PATH | --in-memory] [--workdir DIR] [--concurrency N] [--retention AGE]</c>:
/// loads <c>DIR/schedules/*.json</c> and fires the schedules until Ctrl+C or SIGTERM. The directory's agent profiles,
/// templates and <c>hooks.json</c> apply to the runs, as with <c>run --config DIR</c>.</summary>
internal static class ServeCommand
{
    private const string UsageLine = "serve --config DIR [--db PATH | --in-memory] [--workdir DIR] [--concurrency N] [--retention AGE]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync("usage: agentmanager-console " + UsageLine);
            return RunCommand.BadInput;
        }

        using var host = BuildHost(options);
        var bus = host.Services.GetRequiredService<IEventBus>();
        await using var progress = bus.Subscribe(EventFilter.All, (e, _) => Report(stderr, e));
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ScheduleConfigurationException or OptionsValidationException or HookConfigurationException or AgentConfigurationException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return RunCommand.BadInput;
        }

        var schedules = await host.Services.GetRequiredService<IScheduleService>().ListAsync(cancellationToken);
        await stdout.WriteLineAsync($"Serving {schedules.Count} schedule(s) from {Path.GetFullPath(options.Config)}; Ctrl+C or SIGTERM stops.");
        foreach (var schedule in schedules)
        {
            await stdout.WriteLineAsync("  " + SchedulesCommand.Describe(schedule));
        }

        await stdout.FlushAsync(CancellationToken.None);
        try
        {
            await host.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await host.StopAsync(CancellationToken.None);
        }

        await stdout.WriteLineAsync("Stopped; the schedules' state is in the store.");
        return RunCommand.Success;
    }

    private static IHost BuildHost(Options options)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        var agentManager = builder.Services.AddAgentManager(o =>
        {
            o.MaxConcurrency = options.Concurrency;
            o.WorkRoot = Path.GetFullPath(options.Workdir ?? "agentmanager-runs");
            if (options.Retention is { } age)
            {
                o.Retention.FinishedWorkflowTtl = age;
                o.Retention.Interval = age < TimeSpan.FromHours(1) && age > TimeSpan.Zero ? age : TimeSpan.FromHours(1);
            }
        });
        options.Store.Apply(agentManager);
        agentManager.AddConfigurationDirectory(options.Config);
        agentManager.AddSchedules(o => o.ConfigDirectory = options.Config);
        return builder.Build();
    }

    private static ValueTask Report(TextWriter stderr, AgentManagerEvent e)
    {
        if (e is not ScheduleEvent s)
        {
            return RunCommand.Report(stderr, e);
        }

        var line = s.Type switch
        {
            EventTypes.ScheduleFired => $"{s.ScheduleId} -> {s.RunWorkflowId} (occurrence {Time(s.Occurrence)}{(s.CatchUp ? ", catch-up" : string.Empty)}; next {Time(s.NextRun)})",
            EventTypes.ScheduleSkipped => $"{s.ScheduleId}: {s.Reason} (next {Time(s.NextRun)})",
            EventTypes.ScheduleFailed => $"{s.ScheduleId}: {s.RunWorkflowId}: {s.Reason}",
            EventTypes.ScheduleResumed => $"{s.ScheduleId} (next {Time(s.NextRun)})",
            _ => s.ScheduleId,
        };
        return new ValueTask(stderr.WriteLineAsync($"[{e.Timestamp:HH:mm:ss.fff}] {s.Type,-20} {line}"));
    }

    internal static string Time(DateTimeOffset? value) =>
        value is { } v ? v.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : "-";

    private static Options Parse(string[] args)
    {
        string? config = null;
        string? workdir = null;
        TimeSpan? retention = null;
        var concurrency = Environment.ProcessorCount;
        var store = new StoreChoice();
        for (var i = 0; i < args.Length; i++)
        {
            if (store.TryParse(args, ref i))
            {
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--config" when value is not null:
                    config = value;
                    break;
                case "--workdir" when value is not null:
                    workdir = value;
                    break;
                case "--concurrency" when value is not null:
                    if (!int.TryParse(value, CultureInfo.InvariantCulture, out concurrency) || concurrency < 1)
                    {
                        throw new UsageException($"--concurrency '{value}' is not a whole number of at least 1.");
                    }

                    break;
                case "--retention" when value is not null:
                    retention = MaintenanceCommands.TryParseAge(value, out var age) ? age : throw new UsageException($"--retention '{value}' is not an age like 7d, 12h, 30m or 10s.");
                    break;
                default:
                    throw new UsageException($"'{args[i]}' is not an option of serve (or its value is missing).");
            }

            i++;
        }

        if (config is null)
        {
            throw new UsageException("serve needs --config DIR: the directory whose schedules/*.json it runs.");
        }

        return Directory.Exists(config)
            ? new Options(config, store, workdir, concurrency, retention)
            : throw new UsageException($"--config '{config}' is not a directory.");
    }

    private sealed record Options(string Config, StoreChoice Store, string? Workdir, int Concurrency, TimeSpan? Retention);
}
