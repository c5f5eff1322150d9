using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CreditDecision.Api.Tests;

/// <summary>A loopback TCP relay to PostgreSQL that a test can cut and restore, as a network fault would.</summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly int _port;
    private readonly ConcurrentBag<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpProxy(Npgsql.NpgsqlConnectionStringBuilder target)
    {
        _targetHost = target.Host!;
        _targetPort = target.Port;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(target.ConnectionString) { Host = "127.0.0.1", Port = _port, Timeout = 2 }.ConnectionString;
        Start();
    }

    public string ConnectionString { get; }

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, _port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public void Stop()
    {
        _stop.Cancel();
        _listener?.Stop();
        while (_connections.TryTake(out var connection)) connection.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient();
            _connections.Add(client);
            _connections.Add(server);
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                continue;
            }
            _ = Pipe(client.GetStream(), server.GetStream(), stop);
            _ = Pipe(server.GetStream(), client.GetStream(), stop);
        }
    }

    private static async Task Pipe(NetworkStream from, NetworkStream to, CancellationToken stop)
    {
        try
        {
            await from.CopyToAsync(to, stop);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The relay was cut.
        }
    }

    public void Dispose() => Stop();
}
