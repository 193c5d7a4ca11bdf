using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace GridActors.Silo.Hosting;

/// <summary>
/// The silo's two TCP ports (<c>Orleans:SiloPort</c>, default 11111; <c>Orleans:GatewayPort</c>, default 30000), checked
/// before start-up. Orleans binds them with SO_REUSEADDR, which on Linux also sets SO_REUSEPORT: a second service on the
/// same ports bound them too, started, and reported healthy while the kernel shared connections between two clusters.
/// A port held by anyone else made Orleans abort with a stack trace. Either way start-up now stops with one line.
/// </summary>
public static class OrleansPorts
{
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    private const string SiloPortKey = "Orleans:SiloPort";
    private const string GatewayPortKey = "Orleans:GatewayPort";

    /// <summary>Writes one line to standard error and answers false when a port this silo would listen on is taken.</summary>
    public static bool CheckFree(IConfiguration configuration)
    {
        foreach (var key in (string[])[SiloPortKey, GatewayPortKey])
        {
            // A value that is not a port is refused by the clustering set-up, with its own message; 0 is no gateway port.
            var fallback = key == SiloPortKey ? DefaultSiloPort : DefaultGatewayPort;
            var text = configuration[key];
            var port = fallback;
            if (!string.IsNullOrWhiteSpace(text) && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                continue;
            }
            if (port is > 0 and <= IPEndPoint.MaxPort && InUse(port))
            {
                Console.Error.WriteLine(InUseMessage(port.ToString(CultureInfo.InvariantCulture), key));
                return false;
            }
        }
        return true;
    }

    /// <summary>The line for a port taken between the check and Orleans' own bind, when Orleans does not say which.</summary>
    public static string InUseMessage(AddressInUseException exception) =>
        $"{exception.Message}: an Orleans port is taken by another process; set {SiloPortKey} and {GatewayPortKey} (environment variables {Variable(SiloPortKey)}, {Variable(GatewayPortKey)}) to free ports.";

    private static string InUseMessage(string port, string key) =>
        $"Port {port} ({key}) is already in use by another process; set {key} (environment variable {Variable(key)}) to a free port, or stop the other process.";

    private static string Variable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static bool InUse(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            // SO_REUSEADDR alone (Socket.ReuseAddress would add SO_REUSEPORT): the port's connections in TIME_WAIT after a
            // restart do not count, a listener does, even one that set SO_REUSEPORT.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        try
        {
            // Every interface: a listener on any address of this port, loopback included, clashes with it.
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
}
