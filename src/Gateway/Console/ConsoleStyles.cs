namespace GridActors.Gateway.Console;

/// <summary>The console's stylesheet, read once from the assembly and cached by browsers for an hour.</summary>
internal static class ConsoleStyles
{
    private static readonly Lazy<byte[]> Css = new(() =>
    {
        using var stream = typeof(ConsoleStyles).Assembly.GetManifestResourceStream("GridActors.Gateway.Console.console.css")
            ?? throw new InvalidOperationException("the console's stylesheet is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IResult Serve(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(Css.Value, "text/css; charset=utf-8");
    }
}
