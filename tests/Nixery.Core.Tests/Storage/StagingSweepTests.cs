using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Storage;

public sealed class StagingSweepTests : IDisposable
{
    private static readonly TimeSpan Age = TimeSpan.FromHours(1);

    private readonly TempDirectory _temp = new();
    private readonly RecordingLogger<FileSystemStorage> _logger = new();

    public StagingSweepTests() => Directory.CreateDirectory(_temp.Combine("staging"));

    public void Dispose() => _temp.Dispose();

    private BlobStore Store(TimeProvider? time = null, Action<string>? delete = null) =>
        new(new FileSystemStorage(Options.Create(new FileSystemStorageOptions { Path = _temp.Path, FlushToDisk = false, StaleStagingAge = Age }),
            _logger, time ?? TimeProvider.System, delete ?? File.Delete));

    /// <summary>A staging file of <paramref name="size"/> bytes last written <paramref name="age"/> before <paramref name="now"/>.</summary>
    private string StagingFile(TimeSpan age, int size = 1000, DateTimeOffset? now = null, string? name = null)
    {
        var path = _temp.Combine("staging", name ?? Guid.NewGuid().ToString("N") + ".tmp");
        File.WriteAllBytes(path, new byte[size]);
        File.SetLastWriteTimeUtc(path, (now ?? DateTimeOffset.UtcNow).UtcDateTime - age);
        return path;
    }

    private static async Task WriteAndReadABlob(IBlobStore store)
    {
        var content = "still works"u8.ToArray();
        await store.PutAsync(content);
        await using var read = await store.OpenReadAsync(Digest.Of(content));
        Assert.NotNull(read);
    }

    [Fact]
    public async Task A_staging_file_older_than_the_stale_age_is_deleted_on_the_stores_first_use()
    {
        var stale = StagingFile(Age + TimeSpan.FromMinutes(1));
        var store = Store();
        Assert.True(File.Exists(stale)); // constructing the store does not sweep yet

        await store.StatAsync(Digest.Of("anything"u8));

        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task A_staging_file_younger_than_the_stale_age_is_kept()
    {
        var fresh = StagingFile(Age - TimeSpan.FromMinutes(5));
        var justWritten = StagingFile(TimeSpan.Zero);
        var stale = StagingFile(Age + TimeSpan.FromMinutes(5));

        await Store().ReadRecordAsync("layers/none.json");

        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(justWritten));
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task Blobs_records_and_anything_in_staging_but_old_tmp_files_are_never_touched_by_the_sweep()
    {
        var store = Store();
        var blob = "an old blob"u8.ToArray();
        await store.PutAsync(blob);
        await store.WriteRecordAsync("layers/old.json", "{}"u8.ToArray());
        var blobPath = _temp.Combine("blobs", "sha256", Digest.Of(blob).Hex);
        var recordPath = _temp.Combine("records", "layers", "old.json");
        var longAgo = DateTime.UtcNow - TimeSpan.FromDays(30);
        File.SetLastWriteTimeUtc(blobPath, longAgo);
        File.SetLastWriteTimeUtc(recordPath, longAgo);
        var notOurs = StagingFile(TimeSpan.FromDays(30), name: "keep.me");
        var directory = _temp.Combine("staging", "old.tmp");
        Directory.CreateDirectory(directory);
        Directory.SetLastWriteTimeUtc(directory, longAgo);

        // A fresh store over the same directory sweeps on its first use.
        var second = Store();
        await second.StatAsync(Digest.Of(blob));

        Assert.Equal(blob, await File.ReadAllBytesAsync(blobPath));
        Assert.Equal("{}"u8.ToArray(), await second.ReadRecordAsync("layers/old.json"));
        Assert.True(File.Exists(notOurs));
        Assert.True(Directory.Exists(directory));
    }

    [Fact]
    public async Task A_sweep_logs_how_many_files_and_bytes_it_deleted_as_named_properties()
    {
        StagingFile(Age * 2, size: 1000);
        StagingFile(Age * 3, size: 2500);
        StagingFile(TimeSpan.Zero, size: 7);

        await Store().StatAsync(Digest.Of("anything"u8));

        var entry = Assert.Single(_logger.Entries, e => e.Properties.ContainsKey("StagingFileCount"));
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(2, entry.Properties["StagingFileCount"]);
        Assert.Equal(3500L, entry.Properties["StagingBytes"]);
        Assert.Equal(0, entry.Properties["StagingFailureCount"]);
        Assert.Equal(Age, entry.Properties["StaleStagingAge"]);
    }

    [Theory]
    [InlineData(typeof(UnauthorizedAccessException))]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(FileNotFoundException))]
    public async Task A_staging_file_that_cannot_be_deleted_is_logged_and_the_store_keeps_working(Type failure)
    {
        var stuck = StagingFile(Age * 2);
        var other = StagingFile(Age * 2);
        var store = Store(delete: path =>
        {
            if (path == stuck) throw (Exception)Activator.CreateInstance(failure, "injected")!;
            File.Delete(path);
        });

        await WriteAndReadABlob(store);

        Assert.True(File.Exists(stuck));
        Assert.False(File.Exists(other));
        var expected = failure == typeof(FileNotFoundException) ? LogLevel.Debug : LogLevel.Warning;
        Assert.Contains(_logger.Entries, e => e.Level == expected && Equals(e.Properties.GetValueOrDefault("StagingPath"), stuck));
        var summary = Assert.Single(_logger.Entries, e => e.Properties.ContainsKey("StagingFileCount"));
        Assert.Equal(1, summary.Properties["StagingFileCount"]);
    }

    [Fact]
    public async Task A_staging_directory_that_cannot_be_read_does_not_fail_the_store()
    {
        var store = Store();
        var staging = _temp.Combine("staging");
        Directory.Delete(staging, recursive: true);

        // The sweep finds no directory: logged, and the read goes on (it does not need staging/).
        Assert.Null(await store.StatAsync(Digest.Of("anything"u8)));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Properties.ContainsKey("StagingDirectory"));
    }

    [Fact]
    public async Task Stale_files_are_swept_again_once_the_stale_age_has_passed_since_the_last_sweep()
    {
        var clock = new ManualClock();
        var store = Store(time: clock);
        await store.StatAsync(Digest.Of("first use"u8));
        // Another instance crashes afterwards, leaving a staging file behind.
        var leftover = StagingFile(TimeSpan.FromMinutes(30), now: clock.GetUtcNow());

        clock.Advance(TimeSpan.FromMinutes(45));
        await store.StatAsync(Digest.Of("before the interval"u8));
        Assert.True(File.Exists(leftover));

        clock.Advance(TimeSpan.FromMinutes(20));
        await store.StatAsync(Digest.Of("after the interval"u8));
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public async Task A_live_writer_refreshes_its_staging_files_write_time_by_writing_so_a_sweep_keeps_it()
    {
        var content = new byte[512 * 1024];
        new Random(3).NextBytes(content);
        var store = Store();
        await using var writer = await store.BeginWriteAsync();
        await writer.Content.WriteAsync(content.AsMemory(0, content.Length / 2));
        var staging = Assert.Single(Directory.GetFiles(_temp.Combine("staging")));
        File.SetLastWriteTimeUtc(staging, DateTime.UtcNow - Age * 2); // as if it had been open for two hours

        await writer.Content.WriteAsync(content.AsMemory(content.Length / 2)); // more than the writer's buffer: reaches the file
        await Store().StatAsync(Digest.Of("anything"u8)); // another instance's first use sweeps
        var info = await writer.CommitAsync(Digest.Of(content));

        Assert.Equal(content.Length, info.Size);
        Assert.NotNull(await store.StatAsync(Digest.Of(content)));
    }

    [Fact]
    public async Task Swept_files_are_counted_on_the_staging_swept_metric()
    {
        long swept = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NixeryDiagnostics.Name && instrument.Name == "nixery.storage.staging_swept") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref swept, value));
        listener.Start();
        StagingFile(Age * 2);
        StagingFile(Age * 2);

        await Store().StatAsync(Digest.Of("anything"u8));

        // Other tests may sweep at the same time on the same (static) meter: at least ours are counted.
        Assert.True(Interlocked.Read(ref swept) >= 2);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public void A_store_with_a_non_positive_stale_age_is_refused(string age)
    {
        var options = Options.Create(new FileSystemStorageOptions { Path = _temp.Path, StaleStagingAge = TimeSpan.Parse(age, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Throws<ArgumentOutOfRangeException>(() => new FileSystemStorage(options, _logger));
    }
}
