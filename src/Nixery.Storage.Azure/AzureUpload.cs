using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;

namespace Nixery.Storage.Azure;

/// <summary>
/// An upload to Azure Blob Storage. Up to one block (<see cref="AzureBlobStorageOptions.BlockSize"/>) is held in memory
/// and put to its name create-only at commit. Beyond that, each full block is staged (<c>Put Block</c>) on
/// <c>staging/&lt;guid&gt;</c> as it fills; staged blocks are invisible. At commit the block list is committed there
/// (<c>Put Block List</c>), so the staging blob is whole, then copied create-only (<c>If-None-Match: *</c>) to its name
/// and deleted. An upload cut short leaves only uncommitted blocks (Azure discards them after 7 days) or a staging blob
/// (the lifecycle rule in the README deletes it), never anything under a digest name.
/// </summary>
internal sealed partial class AzureUpload(AzureBlobStorage storage, ILogger logger) : IStorageUpload
{
    private readonly int _blockSize = storage.Options.BlockSize;
    private readonly List<string> _blockIds = [];
    private readonly Guid _id = Guid.NewGuid();
    private byte[]? _buffer;
    private int _buffered;
    private bool _committed;
    private bool _stagingCommitted;

    private string StagingName => storage.StagingName(_id);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        while (!bytes.IsEmpty)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            var take = Math.Min(bytes.Length, _blockSize - _buffered);
            bytes[..take].CopyTo(_buffer.AsMemory(_buffered));
            _buffered += take;
            bytes = bytes[take..];
            // A full block is staged only when more follows, so a blob of at most one block goes in one put.
            if (_buffered == _blockSize && !bytes.IsEmpty) await StageBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CommitAsync(string key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var name = storage.ObjectName(key);
        if (_blockIds.Count == 0)
        {
            await storage.PutWholeAsync(name, _buffer.AsMemory(0, _buffered), createOnly: true, cancellationToken).ConfigureAwait(false);
            _committed = true;
            ReturnBuffer();
            return;
        }
        if (_buffered > 0) await StageBufferAsync(cancellationToken).ConfigureAwait(false);
        ReturnBuffer();
        var staging = storage.BlockBlob(StagingName);
        await staging.CommitBlockListAsync(_blockIds, new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = AzureBlobStorage.ContentType } },
            cancellationToken).ConfigureAwait(false);
        _stagingCommitted = true;
        await CopyCreateOnlyAsync(name, cancellationToken).ConfigureAwait(false);
        _committed = true;
        await DeleteStagingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the whole staging blob to <paramref name="name"/> unless a blob is there. A copy within one account is
    /// done when the service answers (measured on Azurite; Azure documents it so for block blobs in one account); one
    /// still pending is awaited, and readers treat a blob whose copy has not succeeded as absent.
    /// </summary>
    private async Task CopyCreateOnlyAsync(string name, CancellationToken cancellationToken)
    {
        var destination = storage.Blob(name);
        try
        {
            var copy = await destination.StartCopyFromUriAsync(storage.Blob(StagingName).Uri,
                new BlobCopyFromUriOptions { DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            if (!copy.HasCompleted) await copy.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (AzureBlobStorage.IsAlreadyThere(e))
        {
            LogAlreadyStored(name);
            return;
        }
        var properties = (await destination.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        if (AzureBlobStorage.IsWhole(properties.CopyId, properties.CopyStatus)) return;
        // A failed or aborted copy must not stay under a digest name: later commits would keep it.
        await destination.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        throw new AzureStorageException("Copy Blob", name, $"the copy from {StagingName} ended {properties.CopyStatus}: {properties.CopyStatusDescription}");
    }

    private async Task StageBufferAsync(CancellationToken cancellationToken)
    {
        // Block ids are base64 of the same length within a blob.
        var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(_blockIds.Count.ToString("D8", CultureInfo.InvariantCulture)));
        using (var block = new MemoryStream(_buffer!, 0, _buffered, writable: false))
            await storage.BlockBlob(StagingName).StageBlockAsync(id, block, cancellationToken: cancellationToken).ConfigureAwait(false);
        _blockIds.Add(id);
        _buffered = 0;
    }

    private async Task DeleteStagingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.Blob(StagingName).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or IOException or OperationCanceledException)
        {
            // The blob is published; the lifecycle rule deletes the staging blob.
            LogStagingLeft(StagingName, e.Message);
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    public async ValueTask DisposeAsync()
    {
        ReturnBuffer();
        if (_committed) return;
        // Uncommitted blocks cannot be deleted: Azure discards them after 7 days. A committed staging blob can.
        if (_stagingCommitted) await DeleteStagingAsync(CancellationToken.None).ConfigureAwait(false);
        else if (_blockIds.Count > 0) LogAbandoned(StagingName, _blockIds.Count);
        _committed = true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{BlobName} was already stored; kept the existing blob")]
    private partial void LogAlreadyStored(string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the staging blob {BlobName} ({Reason}); the lifecycle rule removes it")]
    private partial void LogStagingLeft(string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upload to {BlobName} abandoned with {Blocks} uncommitted blocks; Azure discards them after 7 days")]
    private partial void LogAbandoned(string blobName, int blocks);
}
