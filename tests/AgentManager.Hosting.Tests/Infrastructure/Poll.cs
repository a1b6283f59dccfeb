namespace AgentManager.Tests.Infrastructure;

/// <summary>Waits for a condition that another thread brings about; the limit only guards against a hang,
/// nothing is asserted about time.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (limit.IsCancellationRequested)
            {
                Assert.Fail($"Gave up waiting until {what}.");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
