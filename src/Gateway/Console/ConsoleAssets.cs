using System.Collections.Concurrent;

namespace GridActors.Gateway.Console;

/// <summary>
/// The console's own files (its stylesheet, and the one script that keeps the live feed current), embedded in the
/// assembly, read once and cached by browsers for an hour: nothing to build, nothing loaded from elsewhere.
/// </summary>
internal static class ConsoleAssets
{
    private static readonly ConcurrentDictionary<string, byte[]> Files = new();

    public static IResult Serve(HttpContext http, string name, string contentType)
    {
        var bytes = Files.GetOrAdd(name, file =>
        {
            using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream($"GridActors.Gateway.Console.{file}")
                ?? throw new InvalidOperationException($"the console's {file} is not embedded");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(bytes, contentType);
    }
}
