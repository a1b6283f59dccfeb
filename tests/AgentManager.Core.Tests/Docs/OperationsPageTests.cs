using System.Reflection;
using AgentManager.Diagnostics;

namespace AgentManager.Tests.Docs;

public sealed class OperationsPageTests
{
    [Fact]
    public void OperationsPage_ListsEveryMetricInstrument()
    {
        var page = File.ReadAllText(RepositoryFiles.PathOf("docs/operations.md"));
        var names = typeof(AgentManagerDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(name => name.StartsWith("agentmanager.", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Contains($"| `{name}` |", page, StringComparison.Ordinal));
    }
}
