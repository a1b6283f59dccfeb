using AgentManager.Benchmarks.Cli;
using AgentManager.Benchmarks.Throughput;

try
{
    return args switch
    {
        ["throughput", .. var rest] => await ThroughputCommand.RunAsync(rest, Console.Out, Console.Error),
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
                   [--engine agentmanager|channels|hangfire] [--concurrency C] [--store memory] [--timeout S] [--no-warmup]
        """);
    return ExitCodes.BadInput;
}
