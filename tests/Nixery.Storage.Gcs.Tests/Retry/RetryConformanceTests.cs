using System.Text.Json;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Retry;

/// <summary>
/// Google's retry conformance scenarios (<c>retry_tests.json</c>) for the JSON API methods the backend calls through the
/// storage library, played against the protocol peer: each case queues its failures, the backend's call is made once, and
/// it must succeed (the library retried) or fail (it did not) as the scenario expects. The backend sends a precondition
/// with every insert, rewrite and delete, so scenario 3 (no precondition, so no retry) applies only to the one delete it
/// makes without one (after a 412, see <see cref="GcsStorage.DeleteAsync(string, CancellationToken)"/>). Methods it never
/// calls (ACLs, buckets, HMAC keys, notifications, compose, patch, update) are left out.
/// </summary>
public sealed class RetryConformanceTests
{
    private const string Existing = "existing";

    private static readonly string[] OurMethods =
        ["storage.objects.get", "storage.objects.list", "storage.objects.insert", "storage.objects.delete", "storage.objects.rewrite"];

    public static TheoryData<int, string, string, string, bool> Scenarios()
    {
        var data = new TheoryData<int, string, string, string, bool>();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GcsTestData.Conformance, "retry_tests.json")));
        foreach (var test in json.RootElement.GetProperty("retryTests").EnumerateArray())
        {
            var id = test.GetProperty("id").GetInt32();
            var success = test.GetProperty("expectSuccess").GetBoolean();
            foreach (var method in test.GetProperty("methods").EnumerateArray())
            {
                var name = method.GetProperty("name").GetString()!;
                if (!OurMethods.Contains(name) || (id == 3 && name != "storage.objects.delete")) continue;
                var group = method.TryGetProperty("group", out var g) ? g.GetString()! : "";
                foreach (var testCase in test.GetProperty("cases").EnumerateArray())
                    data.Add(id, name, group, string.Join(',', testCase.GetProperty("instructions").EnumerateArray().Select(i => i.GetString())), success);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Call_is_retried_exactly_when_googles_scenario_says_so(int scenario, string method, string group, string instructions, bool expectSuccess)
    {
        await using var peer = await GcsPeer.StartAsync();
        var storage = Stores.Storage(peer.Endpoint, GcsPeer.BucketName, o => { o.ChunkSize = 256 * 1024; o.ResumableThreshold = 1024; });
        var blobs = new Nixery.Core.Storage.BlobStore(storage);
        var content = Stores.RandomBytes(3 * 256 * 1024 + 100, scenario);
        peer.Put(Existing, content);
        var faults = instructions.Split(',');

        string operation;
        Func<Task> call;
        switch (method, group)
        {
            case ("storage.objects.insert", "storage.resumable.upload"):
                // The backend's resumable path: a staging upload in 256 KiB chunks, then the copy.
                operation = "upload.chunk";
                call = () => WriteAsync(blobs, content);
                break;
            case ("storage.objects.get", "storage.objects.download"):
                operation = "media";
                call = async () =>
                {
                    var opened = await storage.OpenReadAsync(Existing, 0, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException("not found");
                    await using var stream = opened.Content;
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    Assert.Equal(content, copy.ToArray());
                };
                break;
            case ("storage.objects.get", _):
                operation = "objects.get";
                call = async () => Assert.NotNull(await storage.StatAsync(Existing, CancellationToken.None));
                break;
            case ("storage.objects.list", _):
                operation = "objects.list";
                call = async () => Assert.Single(await storage.ListAsync("", CancellationToken.None).ToListAsync());
                break;
            case ("storage.objects.insert", _):
                // The first request of every upload the library makes (it starts a resumable session), only if absent.
                operation = "objects.insert";
                call = async () => Assert.True(await storage.PutAsync("records/new", "x"u8.ToArray(), replace: false, CancellationToken.None));
                break;
            case ("storage.objects.delete", _) when scenario == 3:
                operation = "objects.delete";
                call = async () => Assert.True(await storage.DeleteAsync(Stores.Client(peer.Endpoint), Existing, null, CancellationToken.None));
                break;
            case ("storage.objects.delete", _):
                operation = "objects.delete";
                call = async () => Assert.True(await storage.DeleteAsync(Existing, CancellationToken.None));
                break;
            case ("storage.objects.rewrite", _):
                operation = "objects.rewrite";
                call = () => WriteAsync(blobs, Stores.RandomBytes(300_000, scenario + 100));
                break;
            default:
                throw new InvalidOperationException($"no call for {method} {group}");
        }
        peer.Fail(operation, faults);

        var failure = await Record.ExceptionAsync(call);
        if (expectSuccess)
        {
            Assert.Null(failure);
            Assert.Equal(0, peer.PendingFaults(operation));
        }
        else
        {
            Assert.NotNull(failure);
            Assert.True(failure is Google.GoogleApiException or HttpRequestException or IOException, $"unexpected {failure}");
            // Every fault was played, and nothing after the one that was not to be retried.
            Assert.Equal(0, peer.PendingFaults(operation));
            Assert.Equal(faults.Length, peer.Log.Count(line => line.StartsWith($"FAULT {operation} ", StringComparison.Ordinal)));
        }
        Assert.DoesNotContain(peer.Objects.Keys, name => name.StartsWith("staging/", StringComparison.Ordinal));
        foreach (var (name, item) in peer.Objects.Where(o => o.Key.StartsWith(StorageKeys.BlobPrefix, StringComparison.Ordinal)))
            Assert.Equal(StorageKeys.Blob(Digest.Of(item.Data)), name);
    }

    private static async Task WriteAsync(Nixery.Core.Storage.BlobStore blobs, byte[] content)
    {
        await using var writer = await blobs.BeginWriteAsync();
        await writer.Content.WriteAsync(content);
        await writer.CommitAsync(Digest.Of(content));
    }
}
