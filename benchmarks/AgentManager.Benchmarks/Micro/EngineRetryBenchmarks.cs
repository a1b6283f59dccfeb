using AgentManager.Execution;
using AgentManager.Workflows;
using AgentManager.Benchmarks.Throughput;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The steady-state cost of one more attempt: a workflow of 1,000 independent tasks, each failing its first
/// <see cref="Attempts"/> − 1 attempts and passing the last, run to completion on a started engine (in-memory store,
/// no subscriber). "Allocated" is per task; the bytes of one extra attempt are
/// (Allocated(k) − Allocated(1)) / (k − 1) for the same <see cref="FailIn"/>, everything paid once per task (the
/// definition, create, the first record, the summary) cancelling out.</summary>
/// <remarks>Every retry is the plain L1 retry a user gets from <c>RetryPolicy</c> (<c>MaxAttempts</c> = k), with no
/// backoff (<c>InitialDelay</c> zero): the default backoff (1 s, doubling) would add a timer and a command per retry,
/// measured here only as what it is not. <see cref="FailIn"/> chooses whether the agent fails (start → attempt failed →
/// retrying: three moves) or the verifier rejects the agent's work (start → verifying → attempt failed → retrying: four
/// moves, and the verification step).</remarks>
[MemoryDiagnoser]
public class EngineRetryBenchmarks
{
    private const int Tasks = 1000;
    private static readonly AgentResult Done = AgentResult.Success();
    private static readonly AgentResult Failed = AgentResult.Failure("not yet");
    private static readonly VerificationResult Passed = VerificationResult.Pass();
    private static readonly VerificationResult Rejected = VerificationResult.Fail("not yet");
    private ServiceProvider? _services;
    private IWorkflowEngine? _engine;
    private IVerifier? _verifier;

    /// <summary>Where a failed attempt fails.</summary>
    public enum FailingStep
    {
        /// <summary>The agent returns a failure.</summary>
        Agent,

        /// <summary>The agent succeeds and the verifier rejects its work.</summary>
        Verifier,
    }

    /// <summary>Gets or sets how many attempts each task makes: k − 1 failures, then a success.</summary>
    [Params(1, 5)]
    public int Attempts { get; set; }

    /// <summary>Gets or sets which step fails the failed attempts.</summary>
    [Params(FailingStep.Agent, FailingStep.Verifier)]
    public FailingStep FailIn { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var attempts = Attempts;
        var failInAgent = FailIn == FailingStep.Agent;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgentManager(o =>
            {
                o.Retry.MaxAttempts = attempts;
                o.Retry.InitialDelay = TimeSpan.Zero;
            })
            .AddAgent("flaky", new DelegateAgentRunner((invocation, _) =>
                ValueTask.FromResult(failInAgent && invocation.Attempt < attempts ? Failed : Done)));
        _verifier = failInAgent ? null : new DelegateVerifier((context, _) =>
            ValueTask.FromResult(context.Invocation.Attempt < attempts ? Rejected : Passed));
        _services = services.BuildServiceProvider();
        _engine = _services.GetRequiredService<IWorkflowEngine>();
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public async Task<WorkflowStatus> RunRetryingTasks()
    {
        var workflow = new WorkflowDefinition { DefaultAgentId = "flaky" };
        for (var i = 0; i < Tasks; i++)
        {
            workflow.Tasks.Add(new TaskDefinition(TaskIds[i]) { Verifier = _verifier });
        }

        var id = await _engine!.CreateAsync(workflow);
        await _engine.StartAsync(id);
        var summary = await _engine.WaitForCompletionAsync(id);
        return summary.Status == WorkflowStatus.Completed && summary.Completed == Tasks
            ? summary.Status
            : throw new InvalidOperationException($"The workflow ended {summary.Status} with {summary.Completed} of {Tasks} tasks completed: {summary.Reason}");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private static readonly string[] TaskIds = Workload.TaskIds(Tasks);
}
