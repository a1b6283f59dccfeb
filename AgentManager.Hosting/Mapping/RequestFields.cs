using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;

namespace AgentManager.Hosting.Mapping;

/// <summary>Collects the malformed parts of a request body (null list entries, malformed ids, impossible
/// numbers), so that one 422 names every one of them.</summary>
internal sealed class RequestFields
{
    private readonly List<ProblemErrorView> _errors = [];

    public string[] Strings(List<string?>? values, string field)
    {
        if (values is null)
        {
            return [];
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                Add($"{field}[{i}]", "is null; list entries must be strings");
            }
        }

        return [.. values.OfType<string>()];
    }

    public string[] Ids(List<string?>? values, string field)
    {
        var strings = Strings(values, field);
        for (var i = 0; i < strings.Length; i++)
        {
            Id(strings[i], $"{field}[{i}]", required: true);
        }

        return strings;
    }

    public string? Id(string? value, string field, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"is required; ids match {AgentManager.Ids.Pattern}");
            }
        }
        else if (!AgentManager.Ids.IsValid(value))
        {
            Add(field, $"'{value}' is not a valid id: ids are 1 to {AgentManager.Ids.MaxLength} characters matching {AgentManager.Ids.Pattern}");
        }

        return value;
    }

    public Dictionary<string, string> Map(Dictionary<string, string?>? values, string field)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values ?? [])
        {
            if (value is null)
            {
                Add($"{field}.{key}", "is null; values must be strings");
            }
            else
            {
                map[key] = value;
            }
        }

        return map;
    }

    public TimeSpan? Seconds(double? seconds, string field)
    {
        if (seconds is not { } value)
        {
            return null;
        }

        if (!double.IsFinite(value) || Math.Abs(value) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            Add(field, $"{value} is not a usable number of seconds");
            return null;
        }

        return TimeSpan.FromSeconds(value);
    }

    public void Add(string field, string message) => _errors.Add(new ProblemErrorView(field, null, null, message));

    /// <summary>Throws a 422 that lists every malformed part, if there is any.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            var first = _errors[0];
            var more = _errors.Count == 1 ? "" : $" ({_errors.Count - 1} more problem{(_errors.Count == 2 ? "" : "s")} in 'errors')";
            throw ApiException.Malformed($"The request is malformed: {first.Field} {first.Message}{more}.", _errors);
        }
    }
}
