namespace GridActors.Tests.Console;

/// <summary>
/// The browser the console's end-to-end tests drive: Debian's <c>chromium</c> package (test.sh installs it), launched by
/// its real binary, since Playwright's own browser download is not reachable from where the tests run. No browser is a
/// failure, never a skip: a console nobody has looked at in a browser is not tested.
/// </summary>
public static class Chromium
{
    /// <summary><c>GRIDACTORS_CHROMIUM</c> names another binary (a Chrome, a Chromium elsewhere).</summary>
    public const string Setting = "GRIDACTORS_CHROMIUM";

    // The real binary first: /usr/bin/chromium is Debian's shell wrapper, which Playwright's pipe connection does not survive.
    private static readonly string[] Candidates = ["/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string Find()
    {
        if (Environment.GetEnvironmentVariable(Setting) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new InvalidOperationException($"{Setting}={configured}: no such file");
        }
        return Candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            $"No Chromium found (looked for {string.Join(", ", Candidates)}): install Debian's chromium package (./test.sh does, as root) or set {Setting}.");
    }

    /// <summary>Sandbox off only as root, where Chromium refuses to start with it.</summary>
    public static string[] Arguments() => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root"
        ? ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        : ["--disable-dev-shm-usage", "--disable-gpu"];
}
