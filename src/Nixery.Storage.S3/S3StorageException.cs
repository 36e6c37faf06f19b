using Nixery.Abstractions;

namespace Nixery.Storage.S3;

/// <summary>An S3 call finished, but not with what was sent (a staged object of another size); nothing reached a digest key.</summary>
public sealed class S3StorageException(string operation, string objectKey, string message)
    : NixeryException($"S3 {operation} of '{objectKey}' failed: {message}")
{
    /// <summary>The S3 operation, e.g. <c>CompleteMultipartUpload</c>.</summary>
    public string Operation { get; } = operation;

    /// <summary>The object's key in the bucket.</summary>
    public string ObjectKey { get; } = objectKey;
}
