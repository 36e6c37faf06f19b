using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Storage.S3;

/// <summary>
/// A storage backend in an S3 bucket, on AWS's own SDK (<c>AWSSDK.S3</c>), for AWS and for S3-compatible stores (MinIO,
/// Cloudflare R2, Ceph RADOS Gateway: <see cref="S3StorageOptions.ServiceUrl"/>). Each key is an object under
/// <see cref="S3StorageOptions.Prefix"/>; large uploads go by multipart upload to <c>staging/&lt;guid&gt;</c> and are
/// copied to their key once complete. Blob requests are redirected to presigned URLs, so clients download layers from
/// the store, not the registry.
/// </summary>
public sealed partial class S3Storage : IStorageBackend, IStorageStat, IStorageRedirects, IStorageDeletion, IStorageListing, IStorageStartupCheck, IDisposable
{
    internal const string ContentType = "application/octet-stream";
    internal const string StagingFolder = "staging/";

    private readonly S3StorageOptions _options;
    private readonly ILogger<S3Storage> _logger;
    private readonly Lazy<IAmazonS3> _client;

    /// <summary>Creates the backend; the SDK's client (region, credentials) is made on first use or in the start-up check.</summary>
    public S3Storage(IOptions<S3StorageOptions> options, ILogger<S3Storage> logger)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, null, logger)
    {
    }

    /// <summary>For tests: a backend on a given client (null: made from the options).</summary>
    internal S3Storage(S3StorageOptions options, IAmazonS3? client, ILogger<S3Storage> logger)
    {
        _options = options;
        _logger = logger;
        Prefix = NormalisePrefix(options.Prefix);
        _client = new Lazy<IAmazonS3>(() => client ?? CreateClient(options));
    }

    /// <summary>The folder of the bucket everything goes under ("" or ending in '/').</summary>
    public string Prefix { get; }

    /// <summary>The bucket.</summary>
    public string Bucket => _options.Bucket;

    internal S3StorageOptions Options => _options;

    internal IAmazonS3 Client => _client.Value;

    /// <inheritdoc />
    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var metadata = await HeadAsync(ObjectName(key), cancellationToken).ConfigureAwait(false);
        return metadata is null ? null : new StoredObject(key, metadata.ContentLength, metadata.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null);
    }

    /// <inheritdoc />
    /// <remarks>One GET from the offset on (<c>Range: bytes=offset-</c>); the object's whole length comes from its <c>Content-Range</c>.</remarks>
    public async Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var name = ObjectName(key);
        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = name };
        if (offset > 0) request.ByteRange = new ByteRange($"bytes={offset.ToString(CultureInfo.InvariantCulture)}-");
        GetObjectResponse response;
        try
        {
            response = await Client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsNotFound(e))
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // At or past the end: an empty stream, with the object's length.
            var metadata = await HeadAsync(name, cancellationToken).ConfigureAwait(false);
            return metadata is null ? null : new StorageReadResult(new MemoryStream([], writable: false), metadata.ContentLength);
        }
        var length = offset == 0 ? response.ContentLength : TotalOf(response.ContentRange, name);
        return new StorageReadResult(new S3ReadStream(response), length);
    }

    /// <inheritdoc />
    public Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IStorageUpload>(new S3Upload(this, _logger));
    }

    /// <inheritdoc />
    /// <remarks>
    /// One PUT, so an object is replaced whole or not at all. Without <paramref name="replace"/> the object is looked for
    /// first and then put create-only (<c>If-None-Match: *</c>); a 412 means another writer (or this write's own retry
    /// after a lost answer) stored it in between, and it is kept.
    /// </remarks>
    public async Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken)
    {
        var name = ObjectName(key);
        if (!replace && await HeadAsync(name, cancellationToken).ConfigureAwait(false) is not null) return false;
        return await PutWholeAsync(name, content, createOnly: !replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Uri?> GetRedirectAsync(string key, HttpMethod method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (_options.Redirect == S3RedirectMode.None) return null;
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = ObjectName(key),
            Verb = method == HttpMethod.Head ? HttpVerb.HEAD : HttpVerb.GET,
            Expires = DateTime.UtcNow + _options.PresignedUrlExpiry,
            Protocol = _options.ServiceUrl?.Scheme == "http" ? Protocol.HTTP : Protocol.HTTPS,
        };
        var url = await Client.GetPreSignedURLAsync(request).ConfigureAwait(false);
        S3Diagnostics.Redirects.Add(1);
        return new Uri(url);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = Prefix + prefix, MaxKeys = _options.ListPageSize };
        while (true)
        {
            var page = await Client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                var key = item.Key[Prefix.Length..];
                if (key.StartsWith(StagingFolder, StringComparison.Ordinal)) continue;
                yield return new StoredObject(key, item.Size ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null);
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var name = ObjectName(key);
        // S3 answers a delete 204 whether or not there was an object; the HEAD says which.
        if (await HeadAsync(name, cancellationToken).ConfigureAwait(false) is null) return false;
        await DeleteObjectAsync(name, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Checks that the backend can work: the SDK finds a region and credentials, the bucket exists and its objects can be
    /// listed, and an object can be written to <c>staging/</c> and deleted again. Throws <see cref="S3StartupException"/>
    /// saying which part failed. Skipped at start when <see cref="S3StorageOptions.CheckOnStart"/> is off.
    /// </summary>
    public Task CheckAsync(CancellationToken cancellationToken) => _options.CheckOnStart ? CheckNowAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>The check of <see cref="CheckAsync"/>, whatever <see cref="S3StorageOptions.CheckOnStart"/> says.</summary>
    public async Task CheckNowAsync(CancellationToken cancellationToken = default)
    {
        IAmazonS3 client;
        try
        {
            client = Client;
        }
        catch (Exception e) when (e is AmazonClientException or ArgumentException)
        {
            throw new S3StartupException(S3StartupProblem.Configuration,
                $"the S3 client cannot be made ({e.Message}): set S3Storage:Region (or AWS_REGION), or S3Storage:ServiceUrl for an S3-compatible store", e);
        }
        var where = $"bucket '{_options.Bucket}' at {Endpoint}";
        var credentials = string.IsNullOrEmpty(_options.AccessKeyId) ? "the SDK's default credential chain" : $"access key {_options.AccessKeyId}";
        await StartupStepAsync("list the objects of", "s3:ListBucket", where, credentials, () =>
            client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = Prefix + "blobs/", MaxKeys = 1 }, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var probe = Prefix + StagingFolder + "start-up-check-" + Guid.NewGuid().ToString("N");
        await StartupStepAsync("write objects to", "s3:PutObject", where, credentials,
            () => PutWholeAsync(probe, "nixery start-up check"u8.ToArray(), createOnly: false, cancellationToken), cancellationToken).ConfigureAwait(false);
        await StartupStepAsync("delete objects from", "s3:DeleteObject", where, credentials,
            () => DeleteObjectAsync(probe, cancellationToken), cancellationToken).ConfigureAwait(false);
        LogReady(_options.Bucket, Prefix, Endpoint, credentials,
            _options.Redirect == S3RedirectMode.None ? "streamed through the registry" : $"redirected to presigned URLs valid for {_options.PresignedUrlExpiry}");
    }

    private async Task StartupStepAsync(string what, string permission, string where, string credentials, Func<Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" || (e.StatusCode == HttpStatusCode.NotFound && permission == "s3:ListBucket"))
        {
            throw new S3StartupException(S3StartupProblem.BucketNotFound,
                $"{where} does not exist (S3Storage:Bucket, S3_BUCKET in the standalone server): {e.Message}", e);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "AuthorizationHeaderMalformed")
        {
            throw new S3StartupException(S3StartupProblem.Credentials,
                $"{where} did not accept {credentials} ({e.ErrorCode}; check S3Storage:AccessKeyId/SecretAccessKey or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and S3Storage:Region): {e.Message}", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new S3StartupException(S3StartupProblem.PermissionDenied,
                $"{credentials} may not {what} {where}: grant {permission} on the bucket (see the least permissions in the package's README): {e.Message}", e);
        }
        catch (AmazonS3Exception e)
        {
            throw new S3StartupException(S3StartupProblem.Unreachable, $"{where} answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}", e);
        }
        catch (AmazonClientException e) when (e.Message.Contains("credential", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3StartupException(S3StartupProblem.Credentials,
                $"no credentials were found ({e.Message}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity or an instance role, or S3Storage:AccessKeyId and S3Storage:SecretAccessKey", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new S3StartupException(S3StartupProblem.Unreachable, $"{where} is unreachable: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>Where requests go: the configured endpoint, else AWS's endpoint for the region.</summary>
    internal string Endpoint => _options.ServiceUrl?.ToString() ?? $"AWS S3 ({(string.IsNullOrEmpty(_options.Region) ? "region from the SDK's chain" : _options.Region)})";

    /// <summary>
    /// Puts <paramref name="content"/> as one object, with its MD5 for the store to check (<c>Content-MD5</c>) and a signed
    /// SHA-256; create-only (<c>If-None-Match: *</c>) when asked and enabled. False when create-only found an object there.
    /// </summary>
    internal async Task<bool> PutWholeAsync(string objectName, ReadOnlyMemory<byte> content, bool createOnly, CancellationToken cancellationToken)
    {
        var stream = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = objectName,
            InputStream = stream,
            ContentType = ContentType,
            MD5Digest = Convert.ToBase64String(MD5.HashData(content.Span)),
            UseChunkEncoding = false,
            AutoCloseStream = true,
        };
        if (createOnly && _options.UseConditionalWrites) request.IfNoneMatch = "*";
        try
        {
            await Client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            S3Diagnostics.BytesUploaded.Add(content.Length);
            return true;
        }
        catch (AmazonS3Exception e) when (createOnly && IsAlreadyThere(e))
        {
            LogAlreadyStored(objectName);
            return false;
        }
    }

    /// <summary>The object's metadata, or null when there is none.</summary>
    internal async Task<GetObjectMetadataResponse?> HeadAsync(string objectName, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = objectName }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsNotFound(e))
        {
            return null;
        }
    }

    internal Task DeleteObjectAsync(string objectName, CancellationToken cancellationToken) =>
        Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = objectName }, cancellationToken);

    /// <summary>The object that holds <paramref name="key"/>.</summary>
    internal string ObjectName(string key)
    {
        StorageKeys.ThrowIfInvalid(key);
        if (key.StartsWith(StagingFolder, StringComparison.Ordinal))
            throw new ArgumentException($"the key '{key}' is in the backend's own staging folder", nameof(key));
        return Prefix + key;
    }

    internal string StagingName(Guid id) => Prefix + StagingFolder + id.ToString("N");

    internal static bool IsNotFound(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode is "NoSuchKey";

    /// <summary>
    /// A create-only write found an object: 412 Precondition Failed, or 409 ConditionalRequestConflict when AWS saw a
    /// concurrent conditional write of the same key (the other writer's bytes are the same: keys name content).
    /// </summary>
    internal static bool IsAlreadyThere(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode == "ConditionalRequestConflict";

    private static long TotalOf(string? contentRange, string objectName)
    {
        // "bytes 100-199/200"
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        if (slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total)) return total;
        throw new S3StorageException("GetObject", objectName, $"a ranged read came without a usable Content-Range ('{contentRange}')");
    }

    private static IAmazonS3 CreateClient(S3StorageOptions options) => S3ClientFactory.Create(options);

    private static string NormalisePrefix(string? prefix)
    {
        prefix = (prefix ?? "").Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "S3 blob store ready: bucket {Bucket}, prefix '{Prefix}', endpoint {Endpoint}, credentials {CredentialSource}; blobs are {Serving}")]
    private partial void LogReady(string bucket, string prefix, string endpoint, string credentialSource, string serving);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ObjectName} was already stored; kept the existing object")]
    private partial void LogAlreadyStored(string objectName);
}
