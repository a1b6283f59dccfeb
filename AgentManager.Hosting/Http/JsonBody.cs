using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Http;

/// <summary>Reads a JSON request body within <see cref="AgentManagerApiOptions.MaxRequestBodySize"/>: a larger
/// body is refused with 413, a missing or malformed one with 422 naming where it went wrong.</summary>
internal static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<AgentManagerApiOptions>>().Value.MaxRequestBodySize;
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var bytes = await ReadLimitedAsync(request.Body, limit, context.RequestAborted).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            throw ApiException.Malformed("The request needs a JSON body.");
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, typeInfo)
                ?? throw ApiException.Malformed("The request body is JSON null; it must be a JSON object.");
        }
        catch (JsonException exception)
        {
            var where = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "" : $" at '{exception.Path}'";
            throw ApiException.Malformed($"The request body is not valid JSON for this endpoint{where}: a value is malformed or has the wrong type.");
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(limit);
            }
        }
    }

    private static ApiException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the limit of {limit} bytes (AgentManager:Api:MaxRequestBodySize).");
}
