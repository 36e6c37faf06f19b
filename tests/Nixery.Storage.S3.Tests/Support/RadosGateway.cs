using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using Amazon.S3.Model;
using Nixery.Testing;

namespace Nixery.Storage.S3.Tests.Support;

/// <summary>
/// Ceph's RADOS Gateway on loopback: a throw-away single-node cluster (one monitor, one OSD on memstore, radosgw)
/// started by rgw/start-rgw in a temp directory, with one S3 user. Unlike s3rver it checks SigV4 signatures (of
/// headers and presigned URLs) and honours <c>If-None-Match: *</c>. Fails, never skips, when Ceph is not installed.
/// </summary>
public sealed class RadosGateway : IAsyncLifetime
{
    public const string AccessKey = "NIXERYTESTACCESSKEY0";
    public const string SecretKey = "nixery-test-secret-key-on-loopback-only";

    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-rgw-").FullName;

    /// <summary>The S3 endpoint, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ExternalTool.Require("radosgw");
        ExternalTool.Require("ceph-mon");
        ExternalTool.Require("ceph-osd");
        var script = Path.Combine(RepositoryRoot.Path, "tests", "Nixery.Storage.S3.Tests", "rgw", "start-rgw");
        var (rgwPort, monPort) = (LoopbackServer.FreePort(), LoopbackServer.FreePort());
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { _directory, rgwPort.ToString(), monPort.ToString(), AccessKey, SecretKey }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            await DisposeAsync();
            Assert.Fail($"the RADOS Gateway did not start ({script}): {await output}{await error}");
        }
        Endpoint = new Uri($"http://127.0.0.1:{rgwPort}/");
    }

    public Task DisposeAsync()
    {
        if (!Directory.Exists(_directory)) return Task.CompletedTask;
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
        return Task.CompletedTask;
    }

    /// <summary>A fresh bucket of this gateway's user.</summary>
    public async Task<string> CreateBucketAsync(string prefix = "t")
    {
        var bucket = $"{prefix}-{Guid.NewGuid():N}"[..24];
        using var client = Stores.Client(Endpoint);
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    /// <summary>Another S3 user of the gateway (it owns no bucket of the first user's, so it may touch none).</summary>
    public async Task CreateUserAsync(string uid, string accessKey, string secretKey)
    {
        var start = new ProcessStartInfo("radosgw-admin") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", Path.Combine(_directory, "ceph.conf"), "user", "create", "--uid=" + uid, "--display-name=" + uid, "--access-key=" + accessKey, "--secret-key=" + secretKey })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"radosgw-admin user create failed: {await error}");
    }
}
