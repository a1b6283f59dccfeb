using AgentManager.Workflows;

namespace AgentManager.Tests.Workflows;

public sealed class EngineInboxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>However a writer wakes the parked loop (on its own thread, on the thread pool, or after the work
    /// already queued there), the loop is woken once and reads every command in the order written.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task TryWrite_ToAParkedReader_WakesItAndKeepsTheOrder(int wakeKind)
    {
        var wake = (InboxWake)wakeKind; // the enum is internal; xunit's theory method is public
        Assert.True(Enum.IsDefined(wake));
        var inbox = new EngineInbox();
        var commands = Enumerable.Range(0, 5).Select(_ => new TestCommand()).ToArray();
        var read = new List<IEngineCommand>();

        var parked = inbox.WaitToReadAsync();
        Assert.False(parked.IsCompleted);
        foreach (var command in commands)
        {
            Assert.True(inbox.TryWrite(command, wake));
        }

        Assert.True(await parked.AsTask().WaitAsync(Patience));
        while (inbox.TryRead(out var command))
        {
            read.Add(command);
        }

        Assert.Equal(commands, read);
    }

    /// <summary>A reader that finds commands waiting does not park; a completed inbox refuses writes and tells
    /// a parked reader that nothing more will come.</summary>
    [Fact]
    public async Task Complete_AfterReadingEverything_RefusesWritesAndEndsTheParkedReader()
    {
        var inbox = new EngineInbox();
        var first = new TestCommand();
        Assert.True(inbox.TryWrite(first, InboxWake.AfterQueuedWork));
        var ready = inbox.WaitToReadAsync();
        Assert.True(ready.IsCompleted);
        Assert.True(await ready);
        Assert.True(inbox.TryRead(out var command));
        Assert.Same(first, command);
        Assert.False(inbox.TryRead(out _));

        var parked = inbox.WaitToReadAsync();
        inbox.Complete();

        Assert.False(await parked.AsTask().WaitAsync(Patience));
        Assert.False(inbox.TryWrite(new TestCommand(), InboxWake.Here));
    }

    private sealed class TestCommand : IEngineCommand;
}
