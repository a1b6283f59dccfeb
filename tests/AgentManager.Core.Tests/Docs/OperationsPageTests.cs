using System.Reflection;
using AgentManager.Diagnostics;

namespace AgentManager.Tests.Docs;

public sealed class OperationsPageTests
{
    [Fact]
    public void OperationsPage_ListsEveryMetricInstrumentAndTag()
    {
        var page = File.ReadAllText(RepositoryFiles.PathOf("docs/operations.md"));
        var constants = typeof(AgentManagerDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToList();
        var instruments = constants
            .Where(f => !f.Name.EndsWith("Tag", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(name => name.StartsWith("agentmanager.", StringComparison.Ordinal))
            .ToList();
        var tags = constants.Where(f => f.Name.EndsWith("Tag", StringComparison.Ordinal)).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.NotEmpty(instruments);
        Assert.All(instruments, name => Assert.Contains($"| `{name}` |", page, StringComparison.Ordinal));
        Assert.NotEmpty(tags);
        Assert.All(tags, tag => Assert.Contains($"`{tag}`", page, StringComparison.Ordinal));
    }
}
