namespace AgentManager.Agents;

/// <summary>A problem with one field of a profile or template; <see cref="Field"/> is the wire name used in
/// files, for example <c>workdir.mode</c> or <c>skills[1].name</c>.</summary>
internal readonly record struct FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
