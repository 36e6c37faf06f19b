using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nixery.IntegrationTests.Nix;

/// <summary>A minimal loopback HTTP/1.0 server that serves one file at one path, so Nix can fetch a tarball offline.</summary>
internal sealed class TarballServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _path;
    private readonly byte[] _content;
    private readonly Task _loop;
    private int _requests;

    public TarballServer(string path, byte[] content)
    {
        _path = path;
        _content = content;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var header = new StringBuilder();
        var buffer = new byte[4096];
        while (!header.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0) return;
            header.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        Interlocked.Increment(ref _requests);

        var requestLine = header.ToString().Split("\r\n")[0].Split(' ');
        var found = requestLine.Length >= 2 && requestLine[0] is "GET" or "HEAD" && requestLine[1] == _path;
        var body = found ? _content : Encoding.ASCII.GetBytes("not found\n");
        var status = found ? "200 OK" : "404 Not Found";
        var type = found ? "application/gzip" : "text/plain";
        var head = $"HTTP/1.0 {status}\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        if (requestLine[0] != "HEAD") await stream.WriteAsync(body, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
