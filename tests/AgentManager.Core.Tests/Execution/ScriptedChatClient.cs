using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace AgentManager.Tests.Execution;

/// <summary>A stand-in for a model behind <see cref="IChatClient"/>: answers each request with <c>answer</c> and keeps
/// what it was asked, as sent.</summary>
internal sealed class ScriptedChatClient(Func<ChatMessage[], ChatOptions?, CancellationToken, Task<ChatResponse>> answer) : IChatClient
{
    public ConcurrentQueue<(ChatMessage[] Messages, ChatOptions? Options)> Requests { get; } = new();

    public static ScriptedChatClient Answering(string text, long inputTokens = 0, long outputTokens = 0, ChatFinishReason? finish = null) =>
        new((_, _, _) => Task.FromResult(Response(text, inputTokens, outputTokens, finish)));

    public static ChatResponse Response(string text, long inputTokens = 0, long outputTokens = 0, ChatFinishReason? finish = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens },
            FinishReason = finish ?? ChatFinishReason.Stop,
        };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var sent = messages.ToArray();
        Requests.Enqueue((sent, options));
        return answer(sent, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The runner asks for whole responses.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
