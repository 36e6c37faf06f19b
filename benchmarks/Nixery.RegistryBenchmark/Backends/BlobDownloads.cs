using System.Diagnostics;

namespace Nixery.RegistryBenchmark.Backends;

/// <summary>
/// Downloads one blob over and over from several connections for a while, as clients pulling a layer do, following
/// redirects (wrk cannot); counts bytes and each download's time.
/// </summary>
internal static class BlobDownloads
{
    /// <summary>What one measurement gave.</summary>
    public sealed record Result(double MegabytesPerSecond, int Downloads, TimeSpan Median, int Redirected, int Errors);

    public static async Task<Result> RunAsync(Uri blob, int connections, TimeSpan duration, long expectedSize, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = connections };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
        var times = new List<TimeSpan>();
        long bytes = 0;
        int redirected = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        async Task LoopAsync()
        {
            var local = new byte[1 << 20];
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                try
                {
                    var url = blob;
                    using var first = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    var response = first;
                    HttpResponseMessage? second = null;
                    if ((int)first.StatusCode is 307 or 302 && first.Headers.Location is { } location)
                    {
                        Interlocked.Increment(ref redirected);
                        second = await http.GetAsync(new Uri(blob, location), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                        response = second;
                    }
                    using (second)
                    {
                        response.EnsureSuccessStatusCode();
                        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                        long read = 0;
                        int n;
                        while ((n = await body.ReadAsync(local, cancellationToken)) > 0) read += n;
                        if (read != expectedSize) throw new InvalidOperationException($"{read} bytes instead of {expectedSize}");
                        Interlocked.Add(ref bytes, read);
                    }
                    lock (times) times.Add(clock.Elapsed - started);
                }
                catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or IOException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => LoopAsync()));
        var elapsed = clock.Elapsed.TotalSeconds;
        times.Sort();
        return new Result(bytes / 1e6 / elapsed, times.Count, times.Count == 0 ? TimeSpan.Zero : times[times.Count / 2], redirected, errors);
    }
}
