using System.Collections.ObjectModel;

namespace AgentManager.Memory;

/// <summary>Argument checks and read-only copies shared by the memory types.</summary>
internal static class MemoryChecks
{
    public static ReadOnlyCollection<string> Tags(IEnumerable<string>? tags, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tags, paramName);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var tag in tags)
        {
            if (string.IsNullOrWhiteSpace(tag))
            {
                throw new ArgumentException("A tag is null or blank; tags must be non-blank strings.", paramName);
            }

            if (seen.Add(tag))
            {
                list.Add(tag);
            }
        }

        return list.AsReadOnly();
    }

    public static ReadOnlyDictionary<string, string> Metadata(IEnumerable<KeyValuePair<string, string>>? metadata, string paramName)
    {
        ArgumentNullException.ThrowIfNull(metadata, paramName);
        var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (value is null)
            {
                throw new ArgumentException($"The metadata value of '{key}' is null; use \"\" for an empty value.", paramName);
            }

            copy[key] = value;
        }

        return new ReadOnlyDictionary<string, string>(copy);
    }
}
