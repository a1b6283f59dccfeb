using System.Text;
using System.Text.Json.Nodes;

namespace AgentManager.Tests.Infrastructure;

/// <summary>One Server-Sent Event as received: its id (if any), type and JSON data.</summary>
internal sealed record SseEvent(string? Id, string Type, JsonNode Data);

/// <summary>Reads a <c>text/event-stream</c> response event by event; comment lines are collected apart.</summary>
internal sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _limit = new(TimeSpan.FromSeconds(30));

    private SseReader(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    public List<string> Comments { get; } = [];

    public HttpResponseMessage Response => _response;

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var response = await client.SendAsync(Request(path, lastEventId), HttpCompletionOption.ResponseHeadersRead);
        return new SseReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Sends a stream request whose answer is expected to be an error, read whole.</summary>
    public static Task<HttpResponseMessage> RefusedAsync(HttpClient client, string path, string? lastEventId = null) =>
        client.SendAsync(Request(path, lastEventId));

    private static HttpRequestMessage Request(string path, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return request;
    }

    /// <summary>Reads the next event; <see langword="null"/> when the stream ended.</summary>
    public async Task<SseEvent?> NextAsync()
    {
        string? id = null, type = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(_limit.Token);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (type is not null)
                {
                    return new SseEvent(id, type, JsonNode.Parse(data.ToString())!);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments.Add(line[1..].Trim());
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }

    /// <summary>Reads events until one of the given type arrives, returning all read.</summary>
    public async Task<List<SseEvent>> UntilAsync(Func<SseEvent, bool> last)
    {
        var events = new List<SseEvent>();
        while (await NextAsync() is { } next)
        {
            events.Add(next);
            if (last(next))
            {
                return events;
            }
        }

        Assert.Fail("The stream ended before the expected event. Read: " + string.Join(", ", events.Select(e => e.Type)));
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _limit.Dispose();
        await Task.CompletedTask;
    }
}
