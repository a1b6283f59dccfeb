using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AgentManager.Events;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Mapping;
using AgentManager.Persistence;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace AgentManager.Hosting.Events;

/// <summary>Writes events as Server-Sent Events. Task and workflow events come from the store's event log,
/// each with its log sequence as the SSE <c>id</c>, so a client that reconnects with <c>Last-Event-ID</c> misses
/// none; the bus only wakes the stream up. Other events (task plan and hook events, which the log does not
/// keep) are streamed live without an id, and dropped, oldest first, for a client that falls far behind.</summary>
/// <remarks>A slow client never slows the engine down: the bus handler only signals and queues.</remarks>
internal sealed class EventStream(IStateStore store, IEventBus bus, TimeProvider time, IHostApplicationLifetime lifetime)
{
    private const int PageSize = 500;
    private const int LiveOnlyCapacity = 256;

    public async Task WriteAsync(HttpContext context, EventFilter filter, long? after, TimeSpan heartbeat)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var liveOnly = Channel.CreateBounded<AgentManagerEvent>(new BoundedChannelOptions(LiveOnlyCapacity) { FullMode = BoundedChannelFullMode.DropOldest });
        var subscription = bus.Subscribe(filter, (@event, _) =>
        {
            if (@event is not (TaskEvent or WorkflowEvent))
            {
                liveOnly.Writer.TryWrite(@event);
            }

            signal.Writer.TryWrite(true);
            return ValueTask.CompletedTask;
        });
        await using (subscription.ConfigureAwait(false))
        {
            var position = after ?? await NewestSequenceAsync(cancellationToken).ConfigureAwait(false);
            Start(context.Response);
            var body = context.Response.Body;
            await WriteTextAsync(body, "retry: 2000\n: connected\n\n", cancellationToken).ConfigureAwait(false);
            Task<bool>? waiting = null;
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    position = await WriteLoggedAsync(body, filter, position, cancellationToken).ConfigureAwait(false);
                    while (liveOnly.Reader.TryRead(out var @event))
                    {
                        await WriteEventAsync(body, WorkflowViews.Event(@event), cancellationToken).ConfigureAwait(false);
                    }

                    await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    waiting ??= signal.Reader.WaitToReadAsync(cancellationToken).AsTask();
                    var woken = await Task.WhenAny(waiting, Task.Delay(heartbeat, time, cancellationToken)).ConfigureAwait(false);
                    if (woken == waiting)
                    {
                        waiting = null;
                        signal.Reader.TryRead(out _);
                    }
                    else if (!cancellationToken.IsCancellationRequested)
                    {
                        await WriteTextAsync(body, ": heartbeat\n\n", cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client left or the host stops: the stream simply ends.
            }
        }
    }

    private static void Start(HttpResponse response)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private async Task<long> NewestSequenceAsync(CancellationToken cancellationToken)
    {
        var newest = await store.ReadEventsAsync(new EventLogQuery { Limit = 1, NewestFirst = true }, cancellationToken).ConfigureAwait(false);
        return newest.Count == 0 ? 0 : newest[0].Sequence;
    }

    private async Task<long> WriteLoggedAsync(Stream body, EventFilter filter, long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await store.ReadEventsAsync(new EventLogQuery { Filter = filter, After = position, Limit = PageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                await WriteEventAsync(body, WorkflowViews.Event(entry), cancellationToken).ConfigureAwait(false);
                position = entry.Sequence;
            }

            if (page.Count < PageSize)
            {
                return position;
            }
        }
    }

    private static Task WriteEventAsync(Stream body, EventView view, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (view.Id is { } id)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        text.Append("event: ").Append(view.Type).Append('\n')
            .Append("data: ").Append(JsonSerializer.Serialize(view, ApiJson.Context.EventView)).Append("\n\n");
        return WriteTextAsync(body, text.ToString(), cancellationToken);
    }

    private static async Task WriteTextAsync(Stream body, string text, CancellationToken cancellationToken) =>
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
}
