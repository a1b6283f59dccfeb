namespace AgentManager;

/// <summary>Reads back the wire name of an enum value, for enums whose names are given by a <c>ToWireName</c> switch.</summary>
internal static class EnumWireNames
{
    public static bool TryParse<TEnum>(string? value, Func<TEnum, string> toWireName, out TEnum result)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (toWireName(candidate) == value)
            {
                result = candidate;
                return true;
            }
        }

        result = default;
        return false;
    }
}
