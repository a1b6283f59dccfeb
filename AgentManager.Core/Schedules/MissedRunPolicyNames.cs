namespace AgentManager.Schedules;

/// <summary>The snake_case wire names of <see cref="MissedRunPolicy"/>, used in schedule files.</summary>
public static class MissedRunPolicyNames
{
    /// <summary>Gets the wire name of a policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns><c>skip</c> or <c>run_once</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="policy"/> is not a defined value.</exception>
    public static string ToWireName(this MissedRunPolicy policy) => policy switch
    {
        MissedRunPolicy.Skip => "skip",
        MissedRunPolicy.RunOnce => "run_once",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not a defined MissedRunPolicy."),
    };

    /// <summary>Parses a policy's wire name. Matching is exact.</summary>
    /// <param name="value">The wire name.</param>
    /// <param name="policy">The policy when known; otherwise <see cref="MissedRunPolicy.Skip"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a policy's wire name.</returns>
    public static bool TryParse(string? value, out MissedRunPolicy policy) => EnumWireNames.TryParse(value, ToWireName, out policy);
}
