namespace Nixery.Abstractions.Storage;

/// <summary>Conveniences over <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Stores small content (a config or manifest) under its digest, unless it is stored already.</summary>
    public static async Task<BlobInfo> PutAsync(this IBlobStore store, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var digest = Digest.Of(content.Span);
        if (await store.StatAsync(digest, cancellationToken).ConfigureAwait(false) is { } existing) return existing;
        await using var writer = await store.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await writer.Content.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(digest, cancellationToken).ConfigureAwait(false);
    }
}
