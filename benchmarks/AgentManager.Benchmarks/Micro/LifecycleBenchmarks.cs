using AgentManager.Lifecycle;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary><c>TaskLifecycle.Transition</c>, the <c>TaskEvent</c> made of it, and the four of each that the
/// engine makes for one successful attempt (ready, started, verifying, completed).</summary>
[MemoryDiagnoser]
public class LifecycleBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TaskTransition _transition = TaskLifecycle.Transition("wf-bench", "t1", TaskState.Ready, TaskTrigger.Start, 1, Now);

    [Benchmark(Description = "Transition (ready->implementing)")]
    public TaskTransition Transition() =>
        TaskLifecycle.Transition("wf-bench", "t1", TaskState.Ready, TaskTrigger.Start, 1, Now);

    [Benchmark(Description = "a copy of a transition (an unpublished event)")]
    public TaskTransition Event() => _transition with { };

    [Benchmark(Description = "one attempt: 4 transitions, each its own event")]
    public TaskState SuccessfulAttempt()
    {
        var state = TaskState.Pending;
        foreach (var trigger in (ReadOnlySpan<TaskTrigger>)[TaskTrigger.DependenciesMet, TaskTrigger.Start, TaskTrigger.ImplementationSucceeded, TaskTrigger.VerificationPassed])
        {
            var transition = TaskLifecycle.Transition("wf-bench", "t1", state, trigger, 1, Now);
            state = transition.To;
        }

        return state;
    }
}
