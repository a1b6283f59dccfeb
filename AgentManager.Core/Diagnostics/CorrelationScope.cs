namespace AgentManager.Diagnostics;

/// <summary>The ambient correlation id: the id (for example an HTTP request's <c>X-Request-ID</c>) that the
/// events of a change carry in <see cref="Events.AgentManagerEvent.CorrelationId"/>. A call to the engine made
/// inside a scope (create, start, cancel, resume, a human decision) stamps the events it causes with the
/// scope's id, and the workflow's later events keep it until another request changes the workflow.</summary>
/// <remarks>The id flows with the async call like <see cref="System.Diagnostics.Activity.Current"/> does; it is
/// captured when the engine receives the call, so the engine's own loop needs no scope.</remarks>
public static class CorrelationScope
{
    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>Gets the correlation id of the current scope, or <see langword="null"/> outside any scope.</summary>
    public static string? Current => Ambient.Value;

    /// <summary>Makes <paramref name="correlationId"/> the ambient correlation id until the returned scope is
    /// disposed, which restores the previous one.</summary>
    /// <param name="correlationId">The id; <see langword="null"/> or blank clears the ambient id for the scope.</param>
    /// <returns>The scope; dispose it on the same async flow that began it.</returns>
    public static IDisposable Begin(string? correlationId)
    {
        var previous = Ambient.Value;
        Ambient.Value = string.IsNullOrWhiteSpace(correlationId) ? null : correlationId;
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Ambient.Value = previous;
            }
        }
    }
}
