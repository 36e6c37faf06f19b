using Nixery.Testing;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core;
using Nixery.Core.Building;
using Nixery.Core.Nix;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Images;

/// <summary>
/// The README's promise that images of a package set pinned to a commit are cached by name: the engine with real Nix
/// on a git repository of the demo set (two commits on main, so HEAD moves past the first), tags that are commit
/// hashes, one store shared by engines that stand for restarts, and Nix calls counted around the real client.
/// </summary>
public sealed class PinnedImageCacheTests : IDisposable
{
    private const string ImagesCached = "nixery.images.cached";

    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-image-cache-").FullName;
    private readonly string _repository;
    private readonly string _first;
    private readonly string _head;

    public PinnedImageCacheTests()
    {
        Tools.RequireNix();
        Tools.RequireGit();
        _repository = Path.Combine(_scratch, "packages");
        Tools.CopyDirectory(RepositoryRoot.DemoPackages, _repository);
        Git("init", "-q", "-b", "main");
        Git("add", ".");
        Git("commit", "-q", "-m", "demo packages");
        _first = Git("rev-parse", "HEAD");
        File.WriteAllText(Path.Combine(_repository, "hello-message.txt"), $"Hello from HEAD {Guid.NewGuid():N}\n");
        Git("commit", "-q", "-a", "-m", "another greeting");
        _head = Git("rev-parse", "HEAD");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: git and Nix leave read-only files under the temp directory.
        }
    }

    private string Git(params string[] arguments) =>
        Tools.Run("git", ["-c", "user.name=Nixery tests", "-c", "user.email=tests@nixery.invalid", .. arguments], _repository);

    [Fact]
    public async Task A_pinned_image_is_built_once_then_served_from_the_store_without_nix_also_after_a_restart()
    {
        using var cached = new EngineCounter(ImagesCached);
        BuiltImage built;
        await using (var engine = Start())
        {
            built = await BuildAsync(engine, "hello", _first);
            Assert.Equal(1, engine.Nix.Calls);
            var again = await BuildAsync(engine, "hello", _first);
            Assert.Equal(1, engine.Nix.Calls); // a hit runs no Nix
            AssertSameImage(built, again);
        }

        await using var restarted = Start();
        var hit = await BuildAsync(restarted, "hello", _first);
        Assert.Equal(0, restarted.Nix.Calls);
        Assert.Equal(2, cached.Count);
        AssertSameImage(built, hit);
        Assert.Contains(restarted.Logs.Records, r => r.Message.StartsWith($"Image hello:{_first} served from cache as {built.OciManifest.Digest}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_moving_head_never_rebuilds_a_pinned_image_and_another_commit_or_an_unpinned_tag_is_a_miss()
    {
        await using var engine = Start();
        var pinned = await BuildAsync(engine, "hello", _first);
        var latest = await BuildAsync(engine, "hello", "latest");
        Assert.Equal(2, engine.Nix.Calls);
        Assert.NotEqual(pinned.OciManifest.Digest, latest.OciManifest.Digest); // HEAD has another greeting

        AssertSameImage(pinned, await BuildAsync(engine, "hello", _first));
        Assert.Equal(2, engine.Nix.Calls);

        var head = await BuildAsync(engine, "hello", _head); // pinned, but not built yet
        Assert.Equal(3, engine.Nix.Calls);
        // The same content as latest's image; its config differs only by the commit's revision label and time.
        Assert.Equal(latest.Layers.Select(l => l.Digest), head.Layers.Select(l => l.Digest));
        Assert.NotEqual(latest.Config.Digest, head.Config.Digest);

        await BuildAsync(engine, "hello", "latest"); // a branch may move: never cached by name
        Assert.Equal(4, engine.Nix.Calls);
        await BuildAsync(engine, "hello/libdemo", _first); // other packages of the same commit
        Assert.Equal(5, engine.Nix.Calls);
    }

    [Fact]
    public async Task Changed_image_settings_build_the_pinned_image_again_with_them_and_the_old_settings_still_hit_the_old_image()
    {
        BuiltImage before;
        await using (var engine = Start())
            before = await BuildAsync(engine, "hello", _first);

        static void WithEntrypoint(NixeryOptions options) => options.Images.Entrypoint = ["/bin/hello"];
        BuiltImage after;
        await using (var engine = Start(WithEntrypoint))
        {
            after = await BuildAsync(engine, "hello", _first);
            Assert.Equal(1, engine.Nix.Calls); // not the image cached under the old settings
        }
        Assert.Equal(before.Layers.Select(l => l.Digest), after.Layers.Select(l => l.Digest));
        Assert.NotEqual(before.Config.Digest, after.Config.Digest);

        await using (var engine = Start(WithEntrypoint))
        {
            AssertSameImage(after, await BuildAsync(engine, "hello", _first));
            Assert.Equal(0, engine.Nix.Calls);
        }
        await using var original = Start();
        AssertSameImage(before, await BuildAsync(original, "hello", _first));
        Assert.Equal(0, original.Nix.Calls);
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "not-json", "it is not a cached image" },
        { "not-an-image", "it lacks the manifests" },
        { "tampered-manifest", "its manifests do not hash to their digests" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_corrupt_record_is_logged_and_the_image_built_again_without_failing_the_pull(string corruption, string problem)
    {
        BuiltImage built;
        string record;
        await using (var engine = Start())
        {
            built = await BuildAsync(engine, "hello", _first);
            var key = engine.Services.GetRequiredService<ImageKeys>().For(engine.Services.GetRequiredService<IPackageSource>().Resolve(_first), ImageRequest.Parse("hello", _first));
            record = $"images/{key}.json";
            var store = engine.Services.GetRequiredService<IBlobStore>();
            var original = await store.ReadRecordAsync(record) ?? throw new InvalidOperationException($"no record {record} after a pinned build");
            await store.WriteRecordAsync(record, Corrupt(original, corruption));
        }

        await using (var engine = Start())
        {
            var rebuilt = await BuildAsync(engine, "hello", _first);
            Assert.Equal(1, engine.Nix.Calls);
            AssertSameImage(built, rebuilt);
            var warning = Assert.Single(engine.Logs.Records, r => r.Level == LogLevel.Warning && r.Properties.ContainsKey("CacheKey"));
            Assert.Equal(record, $"images/{warning.Properties["CacheKey"]}.json");
            Assert.StartsWith(problem, (string)warning.Properties["Problem"]!, StringComparison.Ordinal);
        }

        await using var afterwards = Start(); // the rebuild wrote a good record again
        AssertSameImage(built, await BuildAsync(afterwards, "hello", _first));
        Assert.Equal(0, afterwards.Nix.Calls);
    }

    private static byte[] Corrupt(byte[] record, string corruption)
    {
        switch (corruption)
        {
            case "not-json":
                return "\u0000garbage{"u8.ToArray();
            case "not-an-image":
                return "{}"u8.ToArray();
            default:
                var json = JsonNode.Parse(record)!;
                json["OciManifest"]!["Content"] = Convert.ToBase64String("{\"schemaVersion\":2}"u8);
                return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        }
    }

    private static void AssertSameImage(BuiltImage expected, BuiltImage actual)
    {
        Assert.Equal(expected.Config, actual.Config);
        Assert.Equal(Render(expected), Render(actual));
        foreach (var (e, a) in new[] { (expected.OciManifest, actual.OciManifest), (expected.DockerManifest, actual.DockerManifest) })
        {
            Assert.Equal((e.Digest, e.MediaType), (a.Digest, a.MediaType));
            Assert.Equal(e.Content, a.Content);
        }
    }

    private static List<string> Render(BuiltImage image) => image.Layers.Select(l =>
        $"{l.Digest} {l.DiffId} {l.Size} [{string.Join(' ', l.Contents)}] [{string.Join(' ', (l.Annotations ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}"))}]").ToList();

    private static async Task<BuiltImage> BuildAsync(Engine engine, string name, string tag)
    {
        var request = ImageRequest.Parse(name, tag);
        var result = await engine.Services.GetRequiredService<IImageBuilder>().BuildAsync(request);
        var image = Assert.IsType<BuiltImage>(result);
        Assert.Equal(request, image.Request);
        return image;
    }

    private Engine Start(Action<NixeryOptions>? configure = null)
    {
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddNixery().UseGitPackageSource(new Uri(_repository).AbsoluteUri).UseFileSystemStorage(Path.Combine(_scratch, "storage"));
        services.Configure<NixOptions>(options => TestNix.Configure(options, Path.Combine(_scratch, "nix-state")));
        // The engine alone, as `nixery build` runs it: no recent builds, so an unpinned tag is built on every request.
        services.Configure<NixeryRegistryOptions>(options => options.RecentBuildLifetime = TimeSpan.Zero);
        if (configure is not null) services.Configure(configure);
        CountingNixClient.Register(services);
        var provider = services.BuildServiceProvider();
        return new Engine(provider, provider.GetRequiredService<CountingNixClient>(), logs);
    }

    private sealed record Engine(ServiceProvider Services, CountingNixClient Nix, LogCapture Logs) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    private sealed record LogEntry(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);

    /// <summary>The engine's log entries with their named properties.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _records = new();

        public IReadOnlyCollection<LogEntry> Records => _records;

        public ILogger CreateLogger(string categoryName) => new Logger(_records);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<LogEntry> records) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (key, value) in pairs) properties[key] = value;
                records.Enqueue(new LogEntry(logLevel, formatter(state, exception), properties));
            }
        }
    }
}
