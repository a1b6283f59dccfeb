using System.Text.Encodings.Web;
using System.Text.Json;

namespace AgentManager.Agents;

/// <summary>Writes the MCP servers of an agent as the configuration file MCP clients read: a JSON object
/// <c>{"mcpServers": {...}}</c>. The engine passes the file's path to the agent process in
/// <see cref="EnvironmentVariable"/>.</summary>
/// <remarks>
/// <para>A process server is written as <c>{"command": program, "args": [...], "env": {...}}</c>, where
/// <c>args</c> is the rest of <see cref="McpServerTemplate.Command"/> followed by
/// <see cref="McpServerTemplate.Args"/>; an HTTP server as <c>{"type": "http", "url": ...}</c> (clients
/// such as Claude Code need the <c>type</c>; others ignore it).</para>
/// <para>The output is deterministic: servers and variables in ordinal order of name, two-space indentation,
/// <c>\n</c> line breaks, UTF-8 without a byte order mark, a final line break.</para>
/// </remarks>
public static class McpConfigWriter
{
    /// <summary>The environment variable that holds the configuration file's path:
    /// <c>AGENTMANAGER_MCP_CONFIG</c>.</summary>
    public const string EnvironmentVariable = "AGENTMANAGER_MCP_CONFIG";

    /// <summary>The name of the file written: <c>mcp-config.json</c>.</summary>
    public const string FileName = "mcp-config.json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/>, replacing it whole (readers
    /// never see a partial file).</summary>
    /// <param name="servers">The servers, usually <see cref="ResolvedAgent.McpServers"/>; may be empty.</param>
    /// <param name="directory">The directory to write into; created when missing.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The file's full path.</returns>
    /// <exception cref="ArgumentNullException">An argument or a server is null.</exception>
    /// <exception cref="ArgumentException">A server is invalid, or two servers have the same name.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="OperationCanceledException">The token was canceled.</exception>
    public static async Task<string> WriteAsync(IEnumerable<McpServerTemplate> servers, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var content = Serialize(servers);
        cancellationToken.ThrowIfCancellationRequested();
        var folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var temporary = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return path;
    }

    /// <summary>The file's content.</summary>
    internal static byte[] Serialize(IEnumerable<McpServerTemplate> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var byName = new SortedDictionary<string, McpServerTemplate>(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            ArgumentNullException.ThrowIfNull(server, nameof(servers));
            var problem = server.Problems().Select(problem => problem.ToString()).FirstOrDefault();
            if (problem is not null)
            {
                throw new ArgumentException($"MCP server '{server.Name}' is invalid: {problem}.", nameof(servers));
            }

            if (!byName.TryAdd(server.Name, server))
            {
                throw new ArgumentException($"MCP server '{server.Name}' is given twice; names must be unique.", nameof(servers));
            }
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("mcpServers");
            foreach (var (name, server) in byName)
            {
                writer.WriteStartObject(name);
                if (server.Url is { } url)
                {
                    writer.WriteString("type", "http");
                    writer.WriteString("url", url.AbsoluteUri);
                }
                else
                {
                    writer.WriteString("command", server.Command[0]);
                    writer.WriteStartArray("args");
                    foreach (var argument in server.Command.Skip(1).Concat(server.Args))
                    {
                        writer.WriteStringValue(argument);
                    }

                    writer.WriteEndArray();
                    writer.WriteStartObject("env");
                    foreach (var (variable, value) in server.Env)
                    {
                        writer.WriteString(variable, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
