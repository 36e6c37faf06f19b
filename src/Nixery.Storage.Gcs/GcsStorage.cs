using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Credentials;
using Nixery.Storage.Gcs.Http;
using Nixery.Storage.Gcs.Signing;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace Nixery.Storage.Gcs;

/// <summary>
/// A storage backend in a Cloud Storage bucket, on Google's own client library (<c>Google.Cloud.Storage.V1</c>): each key
/// is an object under <see cref="GcsStorageOptions.Prefix"/> (so blobs are at <c>blobs/sha256/&lt;hex&gt;</c> and records
/// at <c>records/&lt;name&gt;</c>), and large uploads pass through <c>staging/&lt;guid&gt;</c>. Blob requests are
/// redirected to URLs signed by the library's <see cref="UrlSigner"/> or to public object URLs (see
/// <see cref="GcsRedirectMode"/>), so clients download layers from Google, not the registry.
/// </summary>
public sealed partial class GcsStorage : IStorageBackend, IStorageStat, IStorageRedirects, IStorageDeletion, IStorageListing, IStorageStartupCheck
{
    internal const string ContentType = "application/octet-stream";
    private const string StagingFolder = "staging/";

    /// <summary>Google's JSON API endpoint.</summary>
    public static readonly Uri DefaultEndpoint = new("https://storage.googleapis.com/");

    private readonly GcsStorageOptions _options;
    private readonly ILogger<GcsStorage> _logger;
    private readonly Func<CancellationToken, Task<GcsConnection>> _connect;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private GcsConnection? _connection;

    /// <summary>Creates the backend; it connects (finds credentials) on first use or in the start-up check.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="handlers">Where the HTTP handler of the named client <c>Nixery.Storage.Gcs</c> comes from.</param>
    /// <param name="logger">The log.</param>
    public GcsStorage(IOptions<GcsStorageOptions> options, IHttpMessageHandlerFactory handlers, ILogger<GcsStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handlers);
        _options = options.Value;
        _logger = logger;
        Prefix = NormalisePrefix(_options.Prefix);
        Retry = RetryOptionsOf(_options.Retry);
        var http = GcsHttpClientFactory.Create(
            () => handlers.CreateHandler(Microsoft.Extensions.DependencyInjection.GcsNixeryBuilderExtensions.HttpClientName), _options.IamEndpoint);
        _connect = cancellationToken => ConnectAsync(_options, http, cancellationToken);
    }

    /// <summary>For tests: a backend on a ready connection.</summary>
    internal GcsStorage(GcsStorageOptions options, GcsConnection connection, ILogger<GcsStorage> logger)
    {
        _options = options;
        _logger = logger;
        Prefix = NormalisePrefix(options.Prefix);
        Retry = RetryOptionsOf(options.Retry);
        _connection = connection;
        _connect = _ => Task.FromResult(connection);
    }

    /// <summary>The folder of the bucket everything goes under ("" or ending in '/').</summary>
    public string Prefix { get; }

    /// <summary>The bucket.</summary>
    public string Bucket => _options.Bucket;

    /// <summary>The library's retry settings for every call this backend makes (all idempotent, by precondition if need be).</summary>
    internal RetryOptions Retry { get; }

    /// <inheritdoc />
    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var item = await GetAsync(connection.Client, ObjectName(key), cancellationToken).ConfigureAwait(false);
        return item is null ? null : new StoredObject(key, SizeOf(item), item.UpdatedDateTimeOffset);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The bytes come from the library's download of the object's generation seen here (so a replaced object never mixes
    /// two versions), streamed through a small pipe; a whole download is checked by the library against the object's hashes.
    /// </remarks>
    public async Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var item = await GetAsync(connection.Client, ObjectName(key), cancellationToken).ConfigureAwait(false);
        if (item is null) return null;
        var size = SizeOf(item);
        if (offset >= size) return new StorageReadResult(new MemoryStream([], writable: false), size);
        return new StorageReadResult(GcsDownloadStream.Start(connection.Client, item, offset, _options.Retry), size);
    }

    /// <inheritdoc />
    public async Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return new GcsUpload(this, connection.Client, _options, _logger);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One upload, so an object is replaced whole or not at all. Without <paramref name="replace"/> it is created only if
    /// absent (<c>ifGenerationMatch=0</c>); with it, only if the generation read just before is still there, which lets the
    /// library retry it safely. A 412 then means that this write already landed (a retry after a lost answer), or that
    /// another writer replaced the object in between with a whole version of its own: either way a reader sees one whole
    /// version, as if this write had come first, so the call succeeds without writing again.
    /// </remarks>
    public async Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken)
    {
        var objectName = ObjectName(key);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var current = replace ? await GetAsync(connection.Client, objectName, cancellationToken).ConfigureAwait(false) : null;
        try
        {
            await UploadWholeAsync(connection.Client, objectName, content, current?.Generation ?? 0, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            if (replace) LogRecordRaced(objectName);
            return replace;
        }
    }

    /// <inheritdoc />
    public async Task<Uri?> GetRedirectAsync(string key, HttpMethod method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (_options.Redirect == GcsRedirectMode.None) return null;
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var objectName = ObjectName(key);
        if (connection.Signer is { } signer && _options.Redirect != GcsRedirectMode.PublicUrl)
        {
            try
            {
                var url = await SignAsync(signer.Signer, connection.Endpoint, objectName, method, cancellationToken).ConfigureAwait(false);
                GcsDiagnostics.Redirects.Add(1, new KeyValuePair<string, object?>("kind", "signed"));
                return new Uri(url);
            }
            catch (Exception e) when (signer.ThroughIam && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // IAM could not sign (after its retries): the client still gets the blob, through the registry.
                LogSigningFailed(key, signer.ServiceAccount, e.GetBaseException().Message);
                GcsDiagnostics.Redirects.Add(1, new KeyValuePair<string, object?>("kind", "streamed-after-signing-failed"));
                return null;
            }
        }
        if (_options.Redirect == GcsRedirectMode.SignedUrl)
            throw new GcsStartupException(GcsStartupProblem.Credentials, $"Redirect is SignedUrl but nothing can sign URLs: {connection.NoSignerReason}");

        GcsDiagnostics.Redirects.Add(1, new KeyValuePair<string, object?>("kind", "public"));
        return PublicUrl(connection.Endpoint, objectName);
    }

    /// <summary>A V4 signed URL of <paramref name="objectName"/> for <paramref name="method"/>, on the endpoint and in the style configured.</summary>
    internal Task<string> SignAsync(UrlSigner signer, Uri endpoint, string objectName, HttpMethod method, CancellationToken cancellationToken)
    {
        var template = UrlSigner.RequestTemplate.FromBucket(_options.Bucket).WithObjectName(objectName).WithHttpMethod(method);
        var signing = UrlSigner.Options.FromDuration(_options.SignedUrlExpiry).WithSigningVersion(SigningVersion.V4).WithScheme(endpoint.Scheme);
        signing = _options.UrlStyle switch
        {
            UrlStyle.BucketBoundHostname => signing.WithBucketBoundHostname(_options.BucketBoundHostname),
            UrlStyle.VirtualHostedStyle => signing.WithUrlStyle(UrlSigner.UrlStyle.VirtualHostedStyle).WithHost(endpoint.Host),
            _ => signing.WithHost(endpoint.Host).WithPort(endpoint.IsDefaultPort ? null : endpoint.Port),
        };
        return signer.SignAsync(template, signing, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var listing = connection.Client.ListObjectsAsync(_options.Bucket, Prefix + prefix,
            new ListObjectsOptions { PageSize = _options.ListPageSize, RetryOptions = Retry });
        await foreach (var item in listing.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var key = item.Name[Prefix.Length..];
            if (!key.StartsWith(StagingFolder, StringComparison.Ordinal)) yield return new StoredObject(key, SizeOf(item), item.UpdatedDateTimeOffset);
        }
    }

    /// <inheritdoc />
    /// <remarks>Guarded by the object's generation, so the library may retry it.</remarks>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var name = ObjectName(key);
        var item = await GetAsync(connection.Client, name, cancellationToken).ConfigureAwait(false);
        if (item is null) return false;
        try
        {
            return await DeleteAsync(connection.Client, name, item.Generation, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            // Replaced in between by the same content: delete whatever is there now.
            return await DeleteAsync(connection.Client, name, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Checks that the backend can work: credentials load and get a token, the bucket exists and its objects can be listed,
    /// and redirects can be made as configured. Throws <see cref="GcsStartupException"/> saying which part failed. Skipped
    /// at start when <see cref="GcsStorageOptions.CheckOnStart"/> is off.
    /// </summary>
    public Task CheckAsync(CancellationToken cancellationToken) => _options.CheckOnStart ? CheckNowAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>The check of <see cref="CheckAsync"/>, whatever <see cref="GcsStorageOptions.CheckOnStart"/> says.</summary>
    public async Task CheckNowAsync(CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var source = connection.Credentials.Source;
        if (connection.Credentials is { ForStorage: true, Credential: { } credential })
        {
            try
            {
                await ((ITokenAccess)credential.CreateScoped(GcsCredentialLoader.ReadWriteScope)).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new GcsStartupException(GcsStartupProblem.Credentials,
                    $"the credentials ({source}) could not get an access token: {e.GetBaseException().Message}", e);
            }
        }

        var where = $"bucket '{_options.Bucket}' at {connection.Endpoint}";
        try
        {
            await connection.Client.ListObjectsAsync(_options.Bucket, Prefix + "blobs/", new ListObjectsOptions { PageSize = 1, RetryOptions = Retry })
                .ReadPageAsync(1, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            throw new GcsStartupException(GcsStartupProblem.BucketNotFound, $"{where} does not exist: {ServerMessage(e)}", e);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new GcsStartupException(GcsStartupProblem.PermissionDenied,
                $"the credentials ({source}) may not list the objects of {where} (grant roles/storage.objectAdmin on the bucket): {ServerMessage(e)}", e);
        }
        catch (GoogleApiException e)
        {
            throw new GcsStartupException(GcsStartupProblem.Unreachable, $"{where} answered {(int)e.HttpStatusCode}: {ServerMessage(e)}", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new GcsStartupException(GcsStartupProblem.Unreachable, $"{where} is unreachable: {e.GetBaseException().Message}", e);
        }

        var signing = _options.Redirect is GcsRedirectMode.Auto or GcsRedirectMode.SignedUrl;
        if (signing && connection.Signer is null && (_options.Redirect == GcsRedirectMode.SignedUrl || _options.UrlSigner == GcsUrlSigner.SignBlob))
            throw new GcsStartupException(GcsStartupProblem.Credentials,
                $"{(_options.Redirect == GcsRedirectMode.SignedUrl ? "Redirect is SignedUrl" : "UrlSigner is SignBlob")} but nothing can sign URLs: " +
                $"{connection.NoSignerReason}; use a service-account key file, or set GcsStorage:SigningServiceAccount for IAM signBlob, " +
                "or Redirect=PublicUrl for a public bucket, or Redirect=None to stream through the registry");
        if (signing && connection.Signer is { ThroughIam: true } iam) await ProbeSignBlobAsync(connection, iam, cancellationToken).ConfigureAwait(false);
        var serving = _options.Redirect switch
        {
            GcsRedirectMode.None => "streamed through the registry",
            GcsRedirectMode.PublicUrl => "redirected to public object URLs",
            _ when connection.Signer is { } signer => $"redirected to V4 signed URLs valid for {_options.SignedUrlExpiry}, signed as {signer.ServiceAccount} with {signer.Kind}",
            _ => $"redirected to public object URLs (nothing signs URLs: {connection.NoSignerReason}; the objects must be publicly readable)",
        };
        LogReady(_options.Bucket, Prefix, connection.Endpoint.ToString(), source, serving);
    }

    /// <summary>Signs one URL through IAM, so that a missing permission stops the start instead of every redirect.</summary>
    private async Task ProbeSignBlobAsync(GcsConnection connection, GcsSigner signer, CancellationToken cancellationToken)
    {
        var account = signer.ServiceAccount;
        var who = $"the credentials ({connection.Credentials.Source})";
        var iam = _options.IamEndpoint ?? new Uri("https://iamcredentials.googleapis.com/");
        try
        {
            await SignAsync(signer.Signer, connection.Endpoint, Prefix + "nixery-start-up-check", HttpMethod.Get, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StatusOf(e) == HttpStatusCode.Forbidden)
        {
            throw new GcsStartupException(GcsStartupProblem.PermissionDenied,
                $"{who} may not sign URLs as {account} with IAM signBlob (iam.serviceAccounts.signBlob): grant the role " +
                $"roles/iam.serviceAccountTokenCreator on the service account {account} to the registry's identity (to the account itself " +
                $"when the registry runs as it): gcloud iam service-accounts add-iam-policy-binding {account} " +
                $"--member=serviceAccount:<the registry's account> --role=roles/iam.serviceAccountTokenCreator; the IAM Service Account " +
                "Credentials API (iamcredentials.googleapis.com) must be enabled, and on GCE the instance needs the cloud-platform scope. " +
                $"Or set GcsStorage:UrlSigner=None (Redirect=PublicUrl for a public bucket, Redirect=None to stream). IAM answered: {e.GetBaseException().Message}", e);
        }
        catch (Exception e) when (e is TokenResponseException || StatusOf(e) == HttpStatusCode.Unauthorized)
        {
            throw new GcsStartupException(GcsStartupProblem.Credentials,
                $"IAM signBlob at {iam} did not accept {who}, or they could not get a token for it: {e.GetBaseException().Message}", e);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new GcsStartupException(GcsStartupProblem.Unreachable,
                $"IAM signBlob at {iam} failed when signing as {account}: {e.GetBaseException().Message}", e);
        }
        if (_options.SignedUrlExpiry > TimeSpan.FromHours(12)) LogLongExpiryWithSignBlob(_options.SignedUrlExpiry.ToString());
    }

    internal async ValueTask<GcsConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } ready) return ready;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _connection ??= await _connect(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private static async Task<GcsConnection> ConnectAsync(GcsStorageOptions options, Google.Apis.Http.IHttpClientFactory http, CancellationToken cancellationToken)
    {
        var emulator = EmulatorEndpoint(options);
        var endpoint = emulator ?? options.Endpoint ?? DefaultEndpoint;
        var credentials = await GcsCredentialLoader.LoadAsync(options, emulator is not null, http, cancellationToken).ConfigureAwait(false);
        var client = CreateClient(endpoint, credentials, options.Retry, http);
        var (signer, noSigner) = await UrlSignerSelector.SelectAsync(options, credentials, http, cancellationToken).ConfigureAwait(false);
        return new GcsConnection(client, endpoint, credentials, signer, noSigner);
    }

    /// <summary>The library's client of <paramref name="endpoint"/>, with the retry settings that the library takes per client.</summary>
    internal static StorageClient CreateClient(Uri endpoint, LoadedCredentials credentials, GcsRetryOptions retry, Google.Apis.Http.IHttpClientFactory http)
    {
        var builder = new StorageClientBuilder
        {
            BaseUri = new Uri(endpoint, "storage/v1/").AbsoluteUri,
            HttpClientFactory = http,
            UnauthenticatedAccess = !credentials.ForStorage,
            Credential = credentials.ForStorage ? credentials.Credential?.CreateScoped(GcsCredentialLoader.ReadWriteScope) : null,
        };
        var client = builder.Build();
        // The library's retry handler retries as often as the HTTP client's handler allows.
        var pipeline = client.Service.HttpClient.MessageHandler;
        pipeline.NumTries = retry.MaxAttempts;
        var gaps = new IdempotentRetryHandler(retry);
        pipeline.AddExceptionHandler(gaps);
        pipeline.AddUnsuccessfulResponseHandler(gaps);
        client.Service.HttpClient.Timeout = retry.AttemptTimeout;
        return client;
    }

    /// <summary>The library's retry settings from ours: backoff timing, and its own choice of retryable errors.</summary>
    internal static RetryOptions RetryOptionsOf(GcsRetryOptions retry) =>
        new(new RetryTiming(retry.InitialBackoff, retry.MaxBackoff, RetryTiming.DefaultBackoffMultiplier), RetryPredicate.RetriableIdempotentErrors);

    /// <summary>The object's metadata, or null when there is none.</summary>
    internal async Task<StorageObject?> GetAsync(StorageClient client, string objectName, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectAsync(_options.Bucket, objectName, new GetObjectOptions { RetryOptions = Retry }, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Uploads <paramref name="content"/> as the object, only if its generation is <paramref name="ifGenerationMatch"/> (0: only
    /// if absent); Cloud Storage rejects bytes whose checksum (sent by the library) does not match. An object that the
    /// server finished with another length than was sent (firebase-tools' emulator does, when asked for the state of an
    /// upload whose bytes it never got) is deleted again, and the upload fails.
    /// </summary>
    internal async Task<StorageObject> UploadWholeAsync(StorageClient client, string objectName, ReadOnlyMemory<byte> content, long ifGenerationMatch,
        CancellationToken cancellationToken)
    {
        var stream = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        var upload = new UploadObjectOptions
        {
            IfGenerationMatch = ifGenerationMatch,
            UploadValidationMode = UploadValidationMode.RejectAndThrow,
        };
        var stored = await client.UploadObjectAsync(_options.Bucket, objectName, ContentType, stream, upload, cancellationToken).ConfigureAwait(false);
        if (SizeOf(stored) == content.Length) return stored;
        await DeleteAsync(client, objectName, stored.Generation, CancellationToken.None).ConfigureAwait(false);
        throw new GcsStorageException("objects.insert", objectName, HttpStatusCode.OK,
            $"Cloud Storage finished the upload with {SizeOf(stored)} of the {content.Length} bytes sent; the object was deleted again");
    }

    /// <summary>Deletes the object, only if its generation is <paramref name="ifGenerationMatch"/> when given; false when there was none.</summary>
    internal async Task<bool> DeleteAsync(StorageClient client, string objectName, long? ifGenerationMatch, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteObjectAsync(_options.Bucket, objectName,
                // Without a precondition a delete is not idempotent: the library must not repeat it.
                new DeleteObjectOptions { IfGenerationMatch = ifGenerationMatch, RetryOptions = ifGenerationMatch is null ? RetryOptions.Never : Retry },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The object that holds <paramref name="key"/>.</summary>
    internal string ObjectName(string key)
    {
        StorageKeys.ThrowIfInvalid(key);
        if (key.StartsWith(StagingFolder, StringComparison.Ordinal))
            throw new ArgumentException($"the key '{key}' is in the backend's own staging folder", nameof(key));
        return Prefix + key;
    }

    internal string StagingName(Guid id) => Prefix + StagingFolder + id.ToString("N");

    internal static long SizeOf(StorageObject item) => (long)(item.Size ?? 0);

    /// <summary>The emulator's endpoint from the options or <c>STORAGE_EMULATOR_HOST</c> (<c>host:port</c> means http), or null.</summary>
    internal static Uri? EmulatorEndpoint(GcsStorageOptions options)
    {
        var host = options.EmulatorHost;
        if (string.IsNullOrWhiteSpace(host)) host = Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
        if (string.IsNullOrWhiteSpace(host)) return null;
        if (!host.Contains("://", StringComparison.Ordinal)) host = "http://" + host;
        return new Uri(host.EndsWith('/') ? host : host + "/");
    }

    /// <summary>Cloud Storage's own explanation of an error, else the exception's message.</summary>
    internal static string ServerMessage(GoogleApiException e) => e.Error?.Message is { Length: > 0 } message ? message : e.Message;

    private static HttpStatusCode? StatusOf(Exception e) => e switch
    {
        GoogleApiException api => api.HttpStatusCode,
        HttpRequestException { StatusCode: { } status } => status,
        _ when e.InnerException is { } inner => StatusOf(inner),
        _ => null,
    };

    private Uri PublicUrl(Uri endpoint, string objectName)
    {
        var authority = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority;
        var path = string.Join('/', objectName.Split('/').Select(Uri.EscapeDataString));
        return _options.UrlStyle switch
        {
            UrlStyle.VirtualHostedStyle => new Uri($"{endpoint.Scheme}://{_options.Bucket}.{authority}/{path}"),
            UrlStyle.BucketBoundHostname => new Uri($"{endpoint.Scheme}://{_options.BucketBoundHostname}/{path}"),
            _ => new Uri($"{endpoint.Scheme}://{authority}/{_options.Bucket}/{path}"),
        };
    }

    private static string NormalisePrefix(string? prefix)
    {
        prefix = (prefix ?? "").Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloud Storage blob store ready: bucket {Bucket}, prefix '{Prefix}', endpoint {Endpoint}, credentials {CredentialSource}; blobs are {Serving}")]
    private partial void LogReady(string bucket, string prefix, string endpoint, string credentialSource, string serving);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM signBlob as {ServiceAccount} failed for {StorageKey} ({Failure}); streaming it through the registry instead")]
    private partial void LogSigningFailed(string storageKey, string serviceAccount, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SignedUrlExpiry {Expiry} is over 12 hours: URLs signed with IAM signBlob may stop working earlier, when Google rotates the account's keys")]
    private partial void LogLongExpiryWithSignBlob(string expiry);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Record {ObjectName} changed between reading its generation and replacing it (another writer, or this write's own retry); kept what is there")]
    private partial void LogRecordRaced(string objectName);
}
