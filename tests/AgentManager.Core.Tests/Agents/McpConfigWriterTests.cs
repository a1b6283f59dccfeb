using System.Text;
using System.Text.Json;
using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class McpConfigWriterTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly McpServerTemplate Local = new()
    {
        Name = "local",
        Command = ["npx", "-y", "server"],
        Args = ["--root", "."],
        Env = new Dictionary<string, string> { ["Z_VAR"] = "z", ["A_VAR"] = "a\"quoted\"" },
    };

    private static readonly McpServerTemplate Remote = new() { Name = "remote", Url = new Uri("https://mcp.example.com/x?y=1") };

    [Fact]
    public async Task WriteAsync_ProcessAndHttpServers_McpServersShape()
    {
        var path = await McpConfigWriter.WriteAsync([Remote, Local], temp.PathOf("run"), CancellationToken.None);

        Assert.Equal(temp.PathOf("run/mcp-config.json"), path);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var servers = document.RootElement.GetProperty("mcpServers");
        Assert.Equal(["local", "remote"], servers.EnumerateObject().Select(property => property.Name));
        var local = servers.GetProperty("local");
        Assert.Equal("npx", local.GetProperty("command").GetString());
        Assert.Equal(["-y", "server", "--root", "."], local.GetProperty("args").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal("a\"quoted\"", local.GetProperty("env").GetProperty("A_VAR").GetString());
        Assert.Equal(["A_VAR", "Z_VAR"], local.GetProperty("env").EnumerateObject().Select(property => property.Name));
        var remote = servers.GetProperty("remote");
        Assert.Equal("http", remote.GetProperty("type").GetString());
        Assert.Equal("https://mcp.example.com/x?y=1", remote.GetProperty("url").GetString());
        Assert.False(remote.TryGetProperty("command", out _));
        Assert.Single(document.RootElement.EnumerateObject());
    }

    [Fact]
    public async Task WriteAsync_AnyInputOrder_ByteIdenticalOutput()
    {
        var first = await McpConfigWriter.WriteAsync([Local, Remote, BuiltInTemplates.Filesystem], temp.PathOf("a"), CancellationToken.None);
        var second = await McpConfigWriter.WriteAsync([BuiltInTemplates.Filesystem, Remote, Local], temp.PathOf("b"), CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(first);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(second));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.NotEqual(0xEF, bytes[0]);
    }

    [Fact]
    public async Task WriteAsync_NoServers_EmptyObject()
    {
        var path = await McpConfigWriter.WriteAsync([], temp.Path, CancellationToken.None);

        Assert.Equal("{\n  \"mcpServers\": {}\n}\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task WriteAsync_ExistingFile_ReplacedWithoutLeftovers()
    {
        await McpConfigWriter.WriteAsync([Local, Remote], temp.Path, CancellationToken.None);
        var path = await McpConfigWriter.WriteAsync([Remote], temp.Path, CancellationToken.None);

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(["remote"], document.RootElement.GetProperty("mcpServers").EnumerateObject().Select(property => property.Name));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task WriteAsync_DuplicateNames_ThrowsArgument()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => McpConfigWriter.WriteAsync([Local, new McpServerTemplate { Name = "local", Command = ["y"] }], temp.Path, CancellationToken.None));

        Assert.Contains("'local' is given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_InvalidServer_ThrowsArgumentNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => McpConfigWriter.WriteAsync([new McpServerTemplate { Name = "empty" }], temp.Path, CancellationToken.None));

        Assert.Contains("MCP server 'empty' is invalid: command:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Canceled_WritesNothing()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => McpConfigWriter.WriteAsync([Local], temp.PathOf("never"), new CancellationToken(canceled: true)));

        Assert.False(Directory.Exists(temp.PathOf("never")));
    }

    [Fact]
    public void EnvironmentVariable_IsTheDocumentedName() =>
        Assert.Equal("AGENTMANAGER_MCP_CONFIG", McpConfigWriter.EnvironmentVariable);
}
