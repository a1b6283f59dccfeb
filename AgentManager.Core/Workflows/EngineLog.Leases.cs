using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>The engine's log messages about leases and the outbox.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "Workflow {WorkflowId}: the lease was lost (held token {HeldToken}, the store has {CurrentToken} of {CurrentOwner}); this engine stopped running it and wrote nothing more")]
    public static partial void LeaseLost(ILogger logger, string workflowId, long heldToken, long currentToken, string? currentOwner);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Renewing the engine's workflow leases failed; the next renewal tries again")]
    public static partial void LeaseRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "Workflow {WorkflowId}: {Count} event(s) committed but not published before were published now")]
    public static partial void EventsRelayed(ILogger logger, string workflowId, int count);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "Relaying the unpublished events of finished workflows failed; they are relayed at the next start")]
    public static partial void RelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Warning, Message = "Releasing the engine's workflow leases at stop failed; other engines take the workflows over once the leases expire")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception);
}
