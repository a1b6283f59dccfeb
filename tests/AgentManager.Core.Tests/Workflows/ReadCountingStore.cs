using System.Collections.Concurrent;
using AgentManager.Persistence;

namespace AgentManager.Tests.Workflows;

/// <summary>A state store that counts the calls of each of its members by name and forwards them, to show which
/// reads a feature makes (for example, that it does not read every task the store keeps).</summary>
public class ReadCountingStore : System.Reflection.DispatchProxy
{
    private IStateStore _inner = null!;
    private ConcurrentDictionary<string, int> _calls = null!;

    internal static IStateStore Create(IStateStore inner, ConcurrentDictionary<string, int> calls)
    {
        var proxy = Create<IStateStore, ReadCountingStore>();
        var counter = (ReadCountingStore)(object)proxy;
        (counter._inner, counter._calls) = (inner, calls);
        return proxy;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
    {
        _calls.AddOrUpdate(targetMethod!.Name, 1, (_, count) => count + 1);
        return targetMethod.Invoke(_inner, args);
    }
}
