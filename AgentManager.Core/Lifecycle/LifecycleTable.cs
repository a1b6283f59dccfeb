using System.Collections.ObjectModel;

namespace AgentManager.Lifecycle;

/// <summary>The lifecycle table read back from the Stateless configuration with <c>GetInfo()</c>,
/// laid out for allocation-free look-ups.</summary>
internal sealed class LifecycleTable
{
    internal const int StateCount = (int)TaskState.Cancelled + 1;
    internal const int TriggerCount = (int)TaskTrigger.LeaseExpired + 1;

    private const sbyte NoMove = -1;

    private readonly sbyte[] _destinations;
    private readonly TaskState[] _destinationByTrigger;
    private readonly ReadOnlyCollection<TaskTrigger>[] _permitted;

    private LifecycleTable(LifecycleRule[] rules)
    {
        Rules = Array.AsReadOnly(rules);

        _destinations = new sbyte[StateCount * TriggerCount];
        Array.Fill(_destinations, NoMove);
        var destinationByTrigger = new TaskState?[TriggerCount];
        foreach (var rule in rules)
        {
            _destinations[Index(rule.From, rule.Trigger)] = (sbyte)rule.To;
            if (destinationByTrigger[(int)rule.Trigger] is { } known && known != rule.To)
            {
                throw new InvalidOperationException(
                    $"Trigger '{rule.Trigger.ToWireName()}' leads to both '{known.ToWireName()}' and '{rule.To.ToWireName()}'; every trigger must have one destination.");
            }

            destinationByTrigger[(int)rule.Trigger] = rule.To;
        }

        _destinationByTrigger = new TaskState[TriggerCount];
        for (var trigger = 0; trigger < TriggerCount; trigger++)
        {
            _destinationByTrigger[trigger] = destinationByTrigger[trigger]
                ?? throw new InvalidOperationException($"Trigger '{((TaskTrigger)trigger).ToWireName()}' is used by no rule.");
        }

        _permitted = new ReadOnlyCollection<TaskTrigger>[StateCount];
        for (var state = 0; state < StateCount; state++)
        {
            var from = (TaskState)state;
            _permitted[state] = Array.AsReadOnly(rules.Where(r => r.From == from).Select(r => r.Trigger).ToArray());
        }
    }

    /// <summary>Gets the table built from <see cref="LifecycleMachine"/>.</summary>
    internal static LifecycleTable Instance { get; } = FromMachine();

    /// <summary>Gets every rule, ordered by source state then trigger (declaration order of the enums).</summary>
    internal ReadOnlyCollection<LifecycleRule> Rules { get; }

    internal static bool IsDefined(TaskState state) => (uint)state < StateCount;

    internal static bool IsDefined(TaskTrigger trigger) => (uint)trigger < TriggerCount;

    internal bool CanFire(TaskState from, TaskTrigger trigger) =>
        IsDefined(from) && IsDefined(trigger) && _destinations[Index(from, trigger)] != NoMove;

    internal TaskState DestinationOf(TaskTrigger trigger) => _destinationByTrigger[(int)trigger];

    /// <summary>Gets where <paramref name="trigger"/> leads from <paramref name="from"/>.</summary>
    /// <returns><see langword="false"/> when the table has no such move (or a value is undefined).</returns>
    internal bool TryFire(TaskState from, TaskTrigger trigger, out TaskState to)
    {
        var destination = IsDefined(from) && IsDefined(trigger) ? _destinations[Index(from, trigger)] : NoMove;
        to = (TaskState)destination;
        return destination != NoMove;
    }

    internal ReadOnlyCollection<TaskTrigger> PermittedTriggers(TaskState from) => _permitted[(int)from];

    private static int Index(TaskState from, TaskTrigger trigger) => ((int)from * TriggerCount) + (int)trigger;

    private static LifecycleTable FromMachine()
    {
        var info = LifecycleMachine.Create(static () => TaskState.Pending, static _ => { }).GetInfo();
        var rules = new List<LifecycleRule>();
        foreach (var state in info.States)
        {
            if (state.DynamicTransitions.Any() || state.IgnoredTriggers.Any() || state.Superstate is not null)
            {
                throw new InvalidOperationException("The lifecycle machine may only use fixed transitions.");
            }

            foreach (var transition in state.FixedTransitions)
            {
                rules.Add(new LifecycleRule(
                    (TaskState)state.UnderlyingState,
                    (TaskTrigger)transition.Trigger.UnderlyingTrigger,
                    (TaskState)transition.DestinationState.UnderlyingState));
            }
        }

        rules.Sort(static (a, b) => a.From != b.From ? a.From.CompareTo(b.From) : a.Trigger.CompareTo(b.Trigger));
        return new LifecycleTable([.. rules]);
    }
}
