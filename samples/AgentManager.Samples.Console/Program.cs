using AgentManager.Samples.Console;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

return args switch
{
    ["run", .. var rest] => await RunCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["resume", .. var rest] => await ResumeCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["purge", .. var rest] => await MaintenanceCommands.PurgeAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["history", .. var rest] => await MaintenanceCommands.HistoryAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["status", .. var rest] => await StatusCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["inbox", .. var rest] => await InboxCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["cancel", .. var rest] => await CancelCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["agents", .. var rest] => await AgentsCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["serve", .. var rest] => await ServeCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["schedules", .. var rest] => await SchedulesCommand.RunAsync(rest, Console.Out, Console.Error, interrupt.Token),
    ["quickstart"] => await QuickStart.RunAsync(interrupt.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: agentmanager-console run <plan.json> [--workdir DIR] [--concurrency N] [--config DIR] [--db PATH | --in-memory]");
    Console.Error.WriteLine("       agentmanager-console resume [--db PATH] [--concurrency N] [--config DIR]");
    Console.Error.WriteLine("       agentmanager-console agents [--config DIR] [--plan PLAN] [--json]");
    Console.Error.WriteLine("       agentmanager-console status [--json] [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console history TASK [--workflow ID] [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console inbox [list] [--workflow ID] [--json] [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console inbox retry|complete|fail|cancel TASK --reason TEXT [--workflow ID] [--actor NAME] [--wait SECONDS] [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console cancel WORKFLOW [--reason TEXT] [--wait SECONDS] [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console purge --older-than AGE [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console serve --config DIR [--db PATH | --in-memory] [--workdir DIR] [--concurrency N] [--retention AGE]");
    Console.Error.WriteLine("       agentmanager-console schedules list [--json] [--db PATH] | schedules pause|resume|delete ID [--db PATH]");
    Console.Error.WriteLine("       agentmanager-console quickstart");
    return RunCommand.BadInput;
}
