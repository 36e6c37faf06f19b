using System.Diagnostics;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;

namespace Nixery.RegistryBenchmark.Backends;

/// <summary>
/// The S3 server the S3 tests use: a one-node Ceph RADOS Gateway on loopback (tests/Nixery.Storage.S3.Tests/rgw/start-rgw,
/// Debian's ceph-mon, ceph-osd and radosgw), with one bucket; its daemons are stopped when disposed.
/// </summary>
internal sealed class RadosGatewayProcess : IAsyncDisposable
{
    public const string AccessKey = "NIXERYBENCHACCESSKEY";
    public const string SecretKey = "nixery-bench-secret-key-on-loopback-only";

    private readonly string _directory;

    private RadosGatewayProcess(string directory, Uri endpoint) => (_directory, Endpoint) = (directory, endpoint);

    public Uri Endpoint { get; }

    public static async Task<RadosGatewayProcess> StartAsync(string repository, string bucket, CancellationToken cancellationToken)
    {
        var script = Path.Combine(repository, "tests", "Nixery.Storage.S3.Tests", "rgw", "start-rgw");
        var directory = Directory.CreateTempSubdirectory("nixery-bench-rgw-").FullName;
        var (rgw, mon) = (StandaloneServerProcess.FreePort(), StandaloneServerProcess.FreePort());
        var start = new ProcessStartInfo(script, [directory, rgw.ToString(CultureInfo.InvariantCulture), mon.ToString(CultureInfo.InvariantCulture), AccessKey, SecretKey])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using (var process = Process.Start(start) ?? throw new InvalidOperationException($"{script} did not start"))
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"the RADOS Gateway did not start (needs ceph-mon ceph-osd radosgw: scripts/install-dependencies): {await output}{await error}");
        }
        var gateway = new RadosGatewayProcess(directory, new Uri($"http://127.0.0.1:{rgw}/"));
        using var client = new AmazonS3Client(AccessKey, SecretKey, new AmazonS3Config { ServiceURL = gateway.Endpoint.ToString(), ForcePathStyle = true });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken);
        return gateway;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var pidFile in Directory.GetFiles(_directory, "*.pid"))
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) continue;
            try
            {
                using var daemon = Process.GetProcessById(pid);
                daemon.Kill();
                daemon.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Under the temp directory.
        }
        return ValueTask.CompletedTask;
    }
}
