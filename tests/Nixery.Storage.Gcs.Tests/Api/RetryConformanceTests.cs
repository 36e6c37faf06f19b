using System.Net;
using System.Text.Json;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Api;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Api;

/// <summary>
/// Google's retry conformance scenarios (<c>retry_tests.json</c>) for the JSON API methods this store calls, played
/// against the protocol peer: each case queues its failures, the call is made once, and it must succeed (retried) or
/// fail (not retried) as the scenario expects. Methods the store never calls (ACLs, buckets, HMAC keys,
/// notifications, compose, copy, patch, update) are left out.
/// </summary>
public sealed class RetryConformanceTests
{
    /// <summary>The methods we call, by the scenario's name (plus group for the resumable and download groups).</summary>
    private static readonly string[] OurMethods =
        ["storage.objects.get", "storage.objects.list", "storage.objects.insert", "storage.objects.delete", "storage.objects.rewrite"];

    public static TheoryData<int, string, string, string, bool, bool> Scenarios()
    {
        var data = new TheoryData<int, string, string, string, bool, bool>();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GcsTestData.Conformance, "retry_tests.json")));
        foreach (var test in json.RootElement.GetProperty("retryTests").EnumerateArray())
        {
            var id = test.GetProperty("id").GetInt32();
            var precondition = test.GetProperty("preconditionProvided").GetBoolean();
            var success = test.GetProperty("expectSuccess").GetBoolean();
            foreach (var method in test.GetProperty("methods").EnumerateArray())
            {
                var name = method.GetProperty("name").GetString()!;
                if (!OurMethods.Contains(name)) continue;
                var group = method.TryGetProperty("group", out var g) ? g.GetString()! : "";
                foreach (var testCase in test.GetProperty("cases").EnumerateArray())
                {
                    var instructions = string.Join(',', testCase.GetProperty("instructions").EnumerateArray().Select(i => i.GetString()));
                    data.Add(id, name, group, instructions, precondition, success);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Call_is_retried_exactly_when_googles_scenario_says_so(int scenario, string method, string group, string instructions,
        bool preconditionProvided, bool expectSuccess)
    {
        await using var peer = await GcsPeer.StartAsync();
        var client = Stores.Client(peer.Endpoint, GcsPeer.BucketName);
        var content = Stores.RandomBytes(3 * 256 * 1024 + 100, scenario);
        peer.Put("existing", content);
        var faults = instructions.Split(',');

        Func<Task> call;
        switch (method, group)
        {
            case ("storage.objects.insert", "storage.resumable.upload"):
                // The store's resumable path: a staging upload in 256 KiB chunks, then the move.
                peer.Fail("upload.chunk", faults);
                var store = Stores.Store(peer.Endpoint, GcsPeer.BucketName, o => { o.ChunkSize = 256 * 1024; o.ResumableThreshold = 1024; });
                call = async () =>
                {
                    await using var writer = await store.BeginWriteAsync();
                    await writer.Content.WriteAsync(content);
                    await writer.CommitAsync(Digest.Of(content));
                };
                break;
            case ("storage.objects.get", "storage.objects.download"):
                peer.Fail("media", faults);
                call = async () =>
                {
                    var item = (await client.GetAsync("existing", default))!;
                    await using var stream = new GcsReadStream(client, item, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    Assert.Equal(content, copy.ToArray());
                };
                break;
            case ("storage.objects.get", _):
                peer.Fail("objects.get", faults);
                call = () => client.GetAsync("existing", default);
                break;
            case ("storage.objects.list", _):
                peer.Fail("objects.list", faults);
                call = () => client.ListAsync("", null, default).ToListAsync().AsTask();
                break;
            case ("storage.objects.insert", _):
                peer.Fail("objects.insert", faults);
                call = () => client.InsertAsync("new", "x"u8.ToArray(), preconditionProvided ? 0 : null, null, null, default);
                break;
            case ("storage.objects.delete", _):
                peer.Fail("objects.delete", faults);
                call = () => client.DeleteAsync("existing", preconditionProvided ? peer.Objects["existing"].Generation : null, default);
                break;
            case ("storage.objects.rewrite", _):
                peer.Fail("objects.rewrite", faults);
                call = () => client.RewriteAsync("existing", peer.Objects["existing"].Generation, "copy", preconditionProvided ? 0 : null, null, default);
                break;
            default:
                throw new InvalidOperationException($"no call for {method} {group}");
        }

        if (expectSuccess)
        {
            await call();
            Assert.Equal(0, peer.PendingFaults("objects.get") + peer.PendingFaults("objects.list") + peer.PendingFaults("objects.insert")
                + peer.PendingFaults("objects.delete") + peer.PendingFaults("objects.rewrite") + peer.PendingFaults("upload.chunk") + peer.PendingFaults("media"));
        }
        else
        {
            var failure = await Record.ExceptionAsync(call);
            Assert.NotNull(failure);
            Assert.True(failure is GcsStorageException or HttpRequestException or IOException, $"unexpected {failure}");
            if (failure is GcsStorageException storage) Assert.NotEqual(HttpStatusCode.OK, storage.StatusCode);
        }
    }
}
