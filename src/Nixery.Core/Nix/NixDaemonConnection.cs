using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Nixery.Core.Nix;

/// <summary>
/// One <c>nix-daemon --stdio</c> spoken to in Nix's worker protocol (protocol 1.34 and compatible, Nix 2.8 and later):
/// the store operations of a build (realise, add a root, read a path's references and size) as requests on a pipe to
/// a process that stays, instead of a <c>nix-store</c> and a <c>nix</c> process per build. Not thread-safe: one
/// operation at a time; <see cref="NixDaemonPool"/> hands connections out.
/// </summary>
/// <remarks>
/// The protocol's facts (magic numbers, operation codes, the framing of strings as a little-endian length with the
/// bytes padded to eight, the messages the daemon interleaves before a reply) are those of Nix's
/// <c>worker-protocol.hh</c>; the client is ours. A connection whose operation was cancelled or failed midway is in an
/// unknown state: dispose it.
/// </remarks>
internal sealed class NixDaemonConnection : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private const ulong ClientMagic = 0x6e697863;
    private const ulong DaemonMagic = 0x6478696f;
    private const ulong ProtocolVersion = 1 << 8 | 34;

    private const ulong OpBuildPaths = 9;
    private const ulong OpAddIndirectRoot = 12;
    private const ulong OpQueryPathInfo = 26;

    private const ulong StderrNext = 0x6f6c6d67;
    private const ulong StderrLast = 0x616c7473;
    private const ulong StderrError = 0x63787470;
    private const ulong StderrStartActivity = 0x53545254;
    private const ulong StderrStopActivity = 0x53544f50;
    private const ulong StderrResult = 0x52534c54;

    private readonly Process _process;
    private readonly Stream _from;
    private readonly Stream _to;
    private readonly MemoryStream _request = new();
    private readonly byte[] _word = new byte[8];

    private NixDaemonConnection(Process process)
    {
        _process = process;
        _from = process.StandardOutput.BaseStream;
        _to = process.StandardInput.BaseStream;
    }

    /// <summary>Starts the daemon with the engine's Nix settings and completes the handshake.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception"><c>nix-daemon</c> could not be started.</exception>
    /// <exception cref="IOException">The daemon did not speak the protocol.</exception>
    public static async Task<NixDaemonConnection> StartAsync(NixOptions options, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.FileNameOf("nix-daemon"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--stdio" }.Concat(NixCommandRunner.SettingArguments(options)).Concat(options.ExtraArguments))
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { }; // its own chatter (there is none in --stdio mode) must not fill a pipe
        process.BeginErrorReadLine();
        var connection = new NixDaemonConnection(process);
        // A daemon that does not answer the handshake soon will not answer builds either.
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshake.CancelAfter(HandshakeTimeout);
        try
        {
            using var registration = handshake.Token.Register(connection.Kill);
            connection.Write(ClientMagic);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            if (await connection.ReadWordAsync().ConfigureAwait(false) != DaemonMagic)
                throw new IOException("nix-daemon --stdio did not answer the worker protocol's handshake");
            var daemonVersion = await connection.ReadWordAsync().ConfigureAwait(false);
            if ((daemonVersion & 0xff00) != (ProtocolVersion & 0xff00) || (daemonVersion & 0xff) < 34)
                throw new IOException($"nix-daemon speaks protocol {daemonVersion >> 8}.{daemonVersion & 0xff}; 1.34 or later is needed (Nix 2.8)");
            connection.Write(ProtocolVersion);
            connection.Write(0); // no CPU affinity
            connection.Write(0); // no reserved space
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            await connection.ReadStringAsync().ConfigureAwait(false); // the daemon's Nix version
            await connection.ReadMessagesAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return connection;
        }
        catch (Exception exception) when (handshake.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"nix-daemon --stdio did not complete the handshake within {HandshakeTimeout.TotalSeconds:0} s", exception);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Builds or substitutes <paramref name="derivedPaths"/> (<c>/nix/store/…drv!out</c>), as <c>nix-store --realise</c> does.</summary>
    /// <exception cref="NixDaemonException">Nix failed, with its message.</exception>
    public async Task BuildAsync(IReadOnlyCollection<string> derivedPaths, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(Kill);
        Write(OpBuildPaths);
        WriteStrings(derivedPaths);
        Write(0); // normal build mode
        await SendAsync(cancellationToken).ConfigureAwait(false);
        await ReadMessagesAsync().ConfigureAwait(false);
        await ReadWordAsync().ConfigureAwait(false);
    }

    /// <summary>Registers the symlink <paramref name="link"/> as an indirect GC root: what it points to lives while it does.</summary>
    public async Task AddIndirectRootAsync(string link, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(Kill);
        Write(OpAddIndirectRoot);
        WriteString(link);
        await SendAsync(cancellationToken).ConfigureAwait(false);
        await ReadMessagesAsync().ConfigureAwait(false);
        await ReadWordAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The references and NAR size of each of <paramref name="paths"/> (null for a path that is not valid), asked all at
    /// once and answered in order.
    /// </summary>
    public async Task<IReadOnlyList<(IReadOnlyList<string> References, long NarSize)?>> QueryPathInfosAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(Kill);
        foreach (var path in paths)
        {
            Write(OpQueryPathInfo);
            WriteString(path);
        }
        await SendAsync(cancellationToken).ConfigureAwait(false);
        var infos = new List<(IReadOnlyList<string>, long)?>(paths.Count);
        foreach (var _ in paths)
        {
            await ReadMessagesAsync().ConfigureAwait(false);
            if (await ReadWordAsync().ConfigureAwait(false) == 0)
            {
                infos.Add(null);
                continue;
            }
            await ReadStringAsync().ConfigureAwait(false); // deriver
            await ReadStringAsync().ConfigureAwait(false); // NAR hash
            var references = await ReadStringsAsync().ConfigureAwait(false);
            await ReadWordAsync().ConfigureAwait(false); // registration time
            var narSize = (long)await ReadWordAsync().ConfigureAwait(false);
            await ReadWordAsync().ConfigureAwait(false); // ultimate
            await ReadStringsAsync().ConfigureAwait(false); // signatures
            await ReadStringAsync().ConfigureAwait(false); // content address
            infos.Add((references, narSize));
        }
        return infos;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            await _request.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true); // with the builders it started
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    // The messages the daemon sends before a reply: log lines and activities (ignored: the engine logs its own), or
    // an error that ends the operation.
    private async Task ReadMessagesAsync()
    {
        while (true)
        {
            var message = await ReadWordAsync().ConfigureAwait(false);
            switch (message)
            {
                case StderrLast:
                    return;
                case StderrNext:
                    await ReadStringAsync().ConfigureAwait(false);
                    break;
                case StderrStartActivity:
                    await ReadWordAsync().ConfigureAwait(false); // id
                    await ReadWordAsync().ConfigureAwait(false); // level
                    await ReadWordAsync().ConfigureAwait(false); // type
                    await ReadStringAsync().ConfigureAwait(false); // text
                    await ReadFieldsAsync().ConfigureAwait(false);
                    await ReadWordAsync().ConfigureAwait(false); // parent
                    break;
                case StderrStopActivity:
                    await ReadWordAsync().ConfigureAwait(false);
                    break;
                case StderrResult:
                    await ReadWordAsync().ConfigureAwait(false); // activity
                    await ReadWordAsync().ConfigureAwait(false); // type
                    await ReadFieldsAsync().ConfigureAwait(false);
                    break;
                case StderrError:
                    await ReadStringAsync().ConfigureAwait(false); // "Error"
                    await ReadWordAsync().ConfigureAwait(false); // level
                    await ReadStringAsync().ConfigureAwait(false); // name
                    var text = await ReadStringAsync().ConfigureAwait(false);
                    await ReadWordAsync().ConfigureAwait(false); // no position
                    var traces = await ReadWordAsync().ConfigureAwait(false);
                    for (var i = 0ul; i < traces; i++)
                    {
                        await ReadWordAsync().ConfigureAwait(false);
                        await ReadStringAsync().ConfigureAwait(false);
                    }
                    throw new NixDaemonException(text);
                default:
                    throw new IOException($"nix-daemon sent the unknown message 0x{message:x}");
            }
        }
    }

    private async Task ReadFieldsAsync()
    {
        var count = await ReadWordAsync().ConfigureAwait(false);
        for (var i = 0ul; i < count; i++)
        {
            if (await ReadWordAsync().ConfigureAwait(false) == 0) await ReadWordAsync().ConfigureAwait(false);
            else await ReadStringAsync().ConfigureAwait(false);
        }
    }

    private async Task<ulong> ReadWordAsync()
    {
        await _from.ReadExactlyAsync(_word).ConfigureAwait(false);
        return BinaryPrimitives.ReadUInt64LittleEndian(_word);
    }

    private async Task<string> ReadStringAsync()
    {
        var length = await ReadWordAsync().ConfigureAwait(false);
        if (length > 64 * 1024 * 1024) throw new IOException($"nix-daemon sent a string of {length} bytes");
        var bytes = new byte[(int)length + Padding((int)length)];
        await _from.ReadExactlyAsync(bytes).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes, 0, (int)length);
    }

    private async Task<IReadOnlyList<string>> ReadStringsAsync()
    {
        var count = await ReadWordAsync().ConfigureAwait(false);
        var strings = new List<string>((int)Math.Min(count, 4096));
        for (var i = 0ul; i < count; i++) strings.Add(await ReadStringAsync().ConfigureAwait(false));
        return strings;
    }

    private void Write(ulong value)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, value);
        _request.Write(word);
    }

    private void WriteString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Write((ulong)bytes.Length);
        _request.Write(bytes);
        _request.Write(new byte[Padding(bytes.Length)]);
    }

    private void WriteStrings(IReadOnlyCollection<string> values)
    {
        Write((ulong)values.Count);
        foreach (var value in values) WriteString(value);
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await _to.WriteAsync(_request.GetBuffer().AsMemory(0, (int)_request.Length), cancellationToken).ConfigureAwait(false);
        await _to.FlushAsync(cancellationToken).ConfigureAwait(false);
        _request.SetLength(0);
    }

    private static int Padding(int length) => (8 - length % 8) % 8;
}
