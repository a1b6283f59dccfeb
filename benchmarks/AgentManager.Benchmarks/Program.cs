using AgentManager.Benchmarks.Cli;
using AgentManager.Benchmarks.Compare;
using AgentManager.Benchmarks.EventRate;
using AgentManager.Benchmarks.GraphLoad;
using AgentManager.Benchmarks.Micro;
using AgentManager.Benchmarks.Profiling;
using AgentManager.Benchmarks.StoreReads;
using AgentManager.Benchmarks.Throughput;

try
{
    return args switch
    {
        ["throughput", .. var rest] => await ThroughputCommand.RunAsync(rest, Console.Out, Console.Error),
        ["compare", .. var rest] => await CompareCommand.RunAsync(rest, Console.Out, Console.Error),
        ["bench", .. var rest] => BenchCommand.Run(rest),
        ["graphload", .. var rest] => GraphLoadCommand.Run(rest, Console.Out, Console.Error),
        ["profile", .. var rest] => await ProfileCommand.RunAsync(rest, Console.Out, Console.Error),
        ["eventrate", .. var rest] => await EventRateCommand.RunAsync(rest, Console.Out),
        ["storereads", .. var rest] => await StoreReadsCommand.RunAsync(rest, Console.Out, Console.Error),
        _ => Usage(),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    return ExitCodes.BadInput;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: AgentManager.Benchmarks throughput --workload independent|tree|chain|layers --n N
                   [--engine agentmanager|channels|channels-journal|hangfire] [--concurrency C] [--hangfire-workers W] [--store memory|sqlite|postgres [--postgres CONN]] [--timeout S] [--no-warmup | [--steady] [--warmup-n N]] [--gc-log]
              AgentManager.Benchmarks compare [--n 100000] [--chain-n 10000] [--runs R] [--concurrency C] [--hangfire-workers W]
                   [--workloads independent,tree,chain,layers] [--engines channels,channels-journal,agentmanager,hangfire] [--timeout S] [--steady] [--warmup-n N]
              AgentManager.Benchmarks graphload [--n 1000000] [--edges 3] [--shape random|independent|tree|chain|layers]
              AgentManager.Benchmarks eventrate [--events 2000000] [--subscribers 1] [--rounds 3]
              AgentManager.Benchmarks storereads [--store sqlite|postgres [--postgres CONN]] [--finished 1000] [--running 20] [--tasks 2000] [--rounds 3]
              AgentManager.Benchmarks profile [--engine E] [--workload W] [--n N] [--concurrency C] [--top K] [--attempts A] [--phase run|create|after-create]
              AgentManager.Benchmarks bench [--smoke] [BenchmarkDotNet options, e.g. --filter *EventBus*]
        """);
    return ExitCodes.BadInput;
}
