using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AgentManager.Tests.Docs;

/// <summary>Writes docs/configuration.md from the options classes themselves: every public settable or
/// configurable property, its type, the default a new instance has, and its XML doc summary.</summary>
internal static partial class ConfigurationReference
{
    private const string Intro = """
        # Configuration reference

        Every option of AgentManager, with its default. This page is generated from the options classes and
        their XML documentation by `ConfigurationReferenceTests` in tests/AgentManager.Core.Tests, and that
        test fails when the page and the code disagree; to refresh it after changing an option, run the test
        with `AGENTMANAGER_UPDATE_DOCS=1` set.

        Options are set in code where they are registered, for example
        `services.AddAgentManager(o => o.MaxConcurrency = 4)`; invalid values are refused when the host
        starts, with an error naming the option and the rule.

        """;

    /// <summary>Gets the options types of an assembly: public classes named <c>…Options</c> or <c>…Policy</c>.</summary>
    public static IReadOnlyList<Type> OptionsTypes(Assembly assembly) =>
        [.. assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && (t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Policy", StringComparison.Ordinal)))
            .OrderBy(t => t.Namespace == "AgentManager" ? 0 : 1)
            .ThenBy(t => t.FullName, StringComparer.Ordinal)];

    public static string Generate(IEnumerable<Assembly> assemblies)
    {
        var text = new StringBuilder(Intro.ReplaceLineEndings("\n"));
        foreach (var assembly in assemblies)
        {
            var docs = LoadDocs(assembly);
            foreach (var type in OptionsTypes(assembly))
            {
                AppendType(text, type, docs);
            }
        }

        return text.ToString();
    }

    private static void AppendType(StringBuilder text, Type type, Dictionary<string, string> docs)
    {
        text.Append('\n').Append("## ").Append(type.Name).Append("\n\n");
        text.Append('`').Append(type.FullName).Append("` (").Append(type.Assembly.GetName().Name).Append("). ");
        text.Append(docs.GetValueOrDefault("T:" + type.FullName, "")).Append("\n\n");
        var instance = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
        text.Append("| Option | Type | Default | Meaning |\n| --- | --- | --- | --- |\n");
        var nullability = new NullabilityInfoContext();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.GetIndexParameters().Length > 0 || (property.SetMethod?.IsPublic != true && !IsConfigurable(property.PropertyType)))
            {
                continue;
            }

            var value = instance is null ? "—" : FormatDefault(property.GetValue(instance), property.PropertyType);
            var summary = WithoutAccessorPrefix(docs.GetValueOrDefault($"P:{type.FullName}.{property.Name}", ""));
            text.Append("| `").Append(property.Name).Append("` | `").Append(TypeName(property.PropertyType, nullability.Create(property)))
                .Append("` | ").Append(value).Append(" | ").Append(summary.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
        }
    }

    /// <summary>A get-only property is configuration when what it returns is changed in place: a collection or
    /// a nested options object.</summary>
    private static bool IsConfigurable(Type type) =>
        type != typeof(string) && (typeof(IEnumerable).IsAssignableFrom(type) || type.Name.EndsWith("Options", StringComparison.Ordinal) || type.Name.EndsWith("Policy", StringComparison.Ordinal));

    private static string FormatDefault(object? value, Type type) => value switch
    {
        null => "none",
        string s => $"`\"{s}\"`",
        bool b => b ? "`true`" : "`false`",
        TimeSpan t => $"`{FormatTimeSpan(t)}`",
        Enum e => $"`{e}`",
        IFormattable f when type.IsPrimitive || value is decimal => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IEnumerable items => items.Cast<object?>().Any() ? string.Join(", ", items.Cast<object?>().Select(i => $"`{i}`")) : "empty",
        _ when IsConfigurable(value.GetType()) => $"see [{value.GetType().Name}](#{value.GetType().Name.ToLowerInvariant()})",
        _ => $"`{value}`",
    };

    private static string FormatTimeSpan(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0";
        }

        var parts = new List<string>();
        if (value.Days > 0)
        {
            parts.Add($"{value.Days} d");
        }

        if (value.Hours > 0)
        {
            parts.Add($"{value.Hours} h");
        }

        if (value.Minutes > 0)
        {
            parts.Add($"{value.Minutes} min");
        }

        if (value.Seconds > 0)
        {
            parts.Add($"{value.Seconds} s");
        }

        if (value.Milliseconds > 0)
        {
            parts.Add($"{value.Milliseconds} ms");
        }

        return string.Join(" ", parts);
    }

    private static string TypeName(Type type, NullabilityInfo nullability)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying, nullability) + "?";
        }

        var name = type switch
        {
            _ when type == typeof(int) => "int",
            _ when type == typeof(long) => "long",
            _ when type == typeof(double) => "double",
            _ when type == typeof(decimal) => "decimal",
            _ when type == typeof(bool) => "bool",
            _ when type == typeof(string) => "string",
            { IsGenericType: true } => $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select((a, i) => TypeName(a, nullability.GenericTypeArguments.Length > i ? nullability.GenericTypeArguments[i] : nullability)))}>",
            _ => type.Name,
        };
        return !type.IsValueType && nullability.ReadState == NullabilityState.Nullable ? name + "?" : name;
    }

    private static Dictionary<string, string> LoadDocs(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The XML documentation of {assembly.GetName().Name} is missing at '{path}'.");
        }

        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            if (member.Element("summary") is { } summary)
            {
                docs[(string)member.Attribute("name")!] = Flatten(summary);
            }
        }

        return docs;
    }

    private static string Flatten(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal),
                XElement { Name.LocalName: "see" or "seealso" } e when e.Attribute("cref") is { } cref => $"`{ShortName(cref.Value)}`",
                XElement { Name.LocalName: "see" } e when e.Attribute("langword") is { } word => $"`{word.Value}`",
                XElement { Name.LocalName: "paramref" or "typeparamref" } e => $"`{e.Attribute("name")?.Value}`",
                XElement { Name.LocalName: "c" or "code" } e => $"`{e.Value}`",
                XElement e => Flatten(e),
                _ => "",
            });
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    private static string ShortName(string cref)
    {
        var name = cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        name = paren >= 0 ? name[..paren] : name;
        var parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) ? parts[^1] : string.Join('.', parts[^2..]);
    }

    /// <summary>"Gets or sets the x" reads as "The x" in a table of options.</summary>
    private static string WithoutAccessorPrefix(string summary)
    {
        foreach (var prefix in (string[])["Gets or sets ", "Gets "])
        {
            if (summary.StartsWith(prefix, StringComparison.Ordinal) && summary.Length > prefix.Length)
            {
                return char.ToUpperInvariant(summary[prefix.Length]) + summary[(prefix.Length + 1)..];
            }
        }

        return summary;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
