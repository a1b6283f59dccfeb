using AgentManager.Persistence;

namespace AgentManager.Tests.Workflows;

/// <summary>A state store that records what each commit carried and can be killed: from then on every commit
/// throws, as the store of a process that died would store nothing more.</summary>
public class RecordingStore : System.Reflection.DispatchProxy
{
    private readonly List<CommitShape> _commits = [];
    private IStateStore _inner = null!;
    private volatile bool _killed;

    /// <summary>Gets the commits made so far, in order.</summary>
    internal IReadOnlyList<CommitShape> Commits
    {
        get
        {
            lock (_commits)
            {
                return _commits.ToArray();
            }
        }
    }

    internal static (IStateStore Store, RecordingStore Recorder) Create(IStateStore inner)
    {
        var proxy = Create<IStateStore, RecordingStore>();
        var recorder = (RecordingStore)(object)proxy;
        recorder._inner = inner;
        return (proxy, recorder);
    }

    internal void Kill() => _killed = true;

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IStateStore.CommitAsync))
        {
            if (_killed)
            {
                return Task.FromException(new IOException("The process died before this commit."));
            }

            var changes = (StateChanges)args![0]!;
            lock (_commits)
            {
                _commits.Add(new CommitShape(changes.Transitions.Count, changes.Events.Count, [.. changes.PublishedWorkflows], [.. changes.ReleasedLeases]));
            }
        }

        return targetMethod.Invoke(_inner, args);
    }
}

/// <summary>What one commit carried.</summary>
internal sealed record CommitShape(int Transitions, int Events, string[] Published, string[] Released)
{
    public bool MarksOnly => Transitions == 0 && Events == 0 && Published.Length > 0;
}
