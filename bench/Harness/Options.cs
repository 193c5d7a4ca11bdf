using System.Globalization;

namespace GridActors.Bench;

/// <summary><c>--name value</c> pairs from the command line.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    options._values[name] = "true";
                }
                name = arg[2..];
            }
            else if (name is not null)
            {
                options._values[name] = arg;
                name = null;
            }
        }
        if (name is not null)
        {
            options._values[name] = "true";
        }
        return options;
    }

    public string Get(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.TryGetValue(name, out var v) && v != "false";

    /// <summary>Appends measured figures to the metrics file (<c>--metrics</c>) and echoes them.</summary>
    public void Record(string key, double value) => Record(key, value.ToString("0.###", CultureInfo.InvariantCulture));

    public void Record(string key, string value)
    {
        Console.WriteLine($"  {key} = {value}");
        if (_values.TryGetValue("metrics", out var path))
        {
            File.AppendAllText(path, $"{key}={value}\n");
        }
    }
}

/// <summary>Percentiles of a sample, nearest-rank.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
