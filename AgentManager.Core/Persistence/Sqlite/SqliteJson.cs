using System.Text.Json.Serialization;

namespace AgentManager.Persistence.Sqlite;

/// <summary>Source-generated JSON for the list and map columns.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SqliteJson : JsonSerializerContext;
