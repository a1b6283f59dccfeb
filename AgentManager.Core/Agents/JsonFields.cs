using System.Text.Json;

namespace AgentManager.Agents;

/// <summary>Reads the fields of one JSON object strictly: unknown and repeated fields and wrong types are
/// recorded as <see cref="FieldError"/>s; a JSON <c>null</c> counts as absent.</summary>
internal sealed class JsonFields
{
    private readonly string prefix;
    private readonly List<FieldError> errors;
    private readonly Dictionary<string, JsonElement> values = new(StringComparer.Ordinal);

    public JsonFields(JsonElement element, string prefix, List<FieldError> errors, params string[] known)
    {
        this.prefix = prefix;
        this.errors = errors;
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new(prefix + property.Name, $"unknown field; the known fields are {string.Join(", ", known)}"));
            }
            else if (!values.TryAdd(property.Name, property.Value))
            {
                errors.Add(new(prefix + property.Name, "the field appears more than once"));
            }
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>Records an error on a field of this object.</summary>
    public void Error(string name, string message) => errors.Add(new(prefix + name, message));

    /// <summary>Gets a field's value unless it is absent or null.</summary>
    public JsonElement? Value(string name) =>
        values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? String(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"must be a string, not {Describe(value.ValueKind)}");
            return null;
        }

        return value.GetString();
    }

    public bool? Bool(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(name, $"must be true or false, not {Describe(value.ValueKind)}");
            return null;
        }

        return value.GetBoolean();
    }

    public double? Number(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            Error(name, $"must be a number, not {Describe(value.ValueKind)}");
            return null;
        }

        return value.GetDouble();
    }

    public int? Int(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Error(name, $"must be a whole number, not {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Describe(value.ValueKind))}");
            return null;
        }

        return number;
    }

    /// <summary>Reads an array of strings.</summary>
    public List<string>? Strings(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"must be an array of strings, not {Describe(value.ValueKind)}");
            return null;
        }

        var result = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                result.Add(item.GetString()!);
            }
            else
            {
                Error($"{name}[{index}]", $"must be a string, not {Describe(item.ValueKind)}");
            }

            index++;
        }

        return result;
    }

    /// <summary>Reads an object whose values are all strings.</summary>
    public Dictionary<string, string>? Map(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, $"must be an object of strings, not {Describe(value.ValueKind)}");
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                Error($"{name}.{property.Name}", $"must be a string, not {Describe(property.Value.ValueKind)}");
            }
            else if (!result.TryAdd(property.Name, property.Value.GetString()!))
            {
                Error($"{name}.{property.Name}", "the key appears more than once");
            }
        }

        return result;
    }

    /// <summary>Reads a nested object.</summary>
    public JsonElement? Object(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, $"must be an object, not {Describe(value.ValueKind)}");
            return null;
        }

        return value;
    }

    /// <summary>Reads a nested array.</summary>
    public JsonElement? Array(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"must be an array, not {Describe(value.ValueKind)}");
            return null;
        }

        return value;
    }
}
