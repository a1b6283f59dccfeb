namespace AgentManager.Benchmarks.Compare;

/// <summary>The tasks/s of one cell's runs: lowest, highest and median (the mean of the middle two for an even count).</summary>
internal sealed record RunRates(double Low, double High, double Median)
{
    public static RunRates Of(IReadOnlyCollection<double> rates)
    {
        var sorted = rates.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new RunRates(sorted[0], sorted[^1], median);
    }
}
