using Microsoft.Extensions.AI;

namespace AgentManager.Execution;

/// <summary>An <see cref="IAgentRunner"/> that asks an <see cref="IChatClient"/> (Microsoft.Extensions.AI): the
/// task's prompt is the user message, the response's text the output, its token counts the usage.</summary>
/// <remarks>
/// <para>On a retry the message also says why the previous attempt failed, unless the prompt already does (an agent
/// with a profile gets it in its composed prompt).</para>
/// <para>A response that the model's content filter stopped, or that stopped at the output token limit, fails the
/// attempt (its text kept as the output): a cut answer is not the task done. An exception thrown by the client fails
/// it too, naming the exception, except an <see cref="OperationCanceledException"/> after the run's own token was
/// canceled (a timeout or a cancelled workflow), which propagates.</para>
/// </remarks>
public sealed class ChatClientAgentRunner : IAgentRunner
{
    private readonly IChatClient client;
    private readonly ChatClientAgentOptions options;

    /// <summary>Creates the runner.</summary>
    /// <param name="client">The chat client; the runner does not dispose it.</param>
    /// <param name="options">How to ask; the defaults when <see langword="null"/>. Read at each run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public ChatClientAgentRunner(IChatClient client, ChatClientAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
        this.options = options ?? new ChatClientAgentOptions();
    }

    /// <inheritdoc/>
    public async ValueTask<AgentResult> RunAsync(AgentInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var messages = new List<ChatMessage>(2) { new(ChatRole.User, invocation.Prompt) };
        if (RetryNote.Of(invocation) is { } note && !invocation.Prompt.Contains(note, StringComparison.Ordinal))
        {
            messages.Add(new ChatMessage(ChatRole.User, note));
        }

        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(messages, options.ChatOptions?.Clone(), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any client error is the agent's failure, reported as a result.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return AgentResult.Failure($"Chat client threw {ex.GetType().FullName}: {ex.Message}");
        }

        var text = response.Text;
        var result = response.FinishReason == ChatFinishReason.ContentFilter
            ? AgentResult.Failure("The model's content filter stopped the response.", text)
            : response.FinishReason == ChatFinishReason.Length
                ? AgentResult.Failure("The response stopped at the output token limit (ChatOptions.MaxOutputTokens or the model's own).", text)
                : AgentResult.Success(text);
        return response.Usage is { } usage ? result.WithUsage(UsageOf(usage)) : result;
    }

    private AgentUsage UsageOf(UsageDetails usage) => new()
    {
        InputTokens = usage.InputTokenCount ?? 0,
        OutputTokens = usage.OutputTokenCount ?? 0,
        Cost = options.Pricing?.Invoke(usage) ?? 0m,
    };
}
