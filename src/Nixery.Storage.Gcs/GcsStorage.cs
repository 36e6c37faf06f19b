using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Api;
using Nixery.Storage.Gcs.Credentials;
using Nixery.Storage.Gcs.Signing;

namespace Nixery.Storage.Gcs;

/// <summary>
/// A storage backend in a Cloud Storage bucket, over the JSON API: each key is an object under
/// <see cref="GcsStorageOptions.Prefix"/> (so blobs are at <c>blobs/sha256/&lt;hex&gt;</c> and records at
/// <c>records/&lt;name&gt;</c>), and large uploads pass through <c>staging/&lt;guid&gt;</c>. Blob requests are redirected to
/// signed or public object URLs (see <see cref="GcsRedirectMode"/>), so clients download layers from Google, not the registry.
/// </summary>
public sealed partial class GcsStorage : IStorageBackend, IStorageStat, IStorageRedirects, IStorageDeletion, IStorageListing, IStorageStartupCheck
{
    private readonly GcsStorageOptions _options;
    private readonly ILogger<GcsStorage> _logger;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task<GcsConnection>> _connect;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private GcsConnection? _connection;

    /// <summary>Creates the backend; it connects (finds credentials) on first use or in the start-up check.</summary>
    public GcsStorage(IOptions<GcsStorageOptions> options, IHttpClientFactory httpClients, ILogger<GcsStorage> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Prefix = NormalisePrefix(_options.Prefix);
        _connect = async cancellationToken =>
        {
            var emulator = EmulatorEndpoint(_options);
            var credentials = await GcsCredentialLoader.LoadAsync(_options, emulator is not null, cancellationToken).ConfigureAwait(false);
            var http = httpClients.CreateClient(Microsoft.Extensions.DependencyInjection.GcsNixeryBuilderExtensions.HttpClientName);
            var retry = new RetryPolicy(_options.Retry, logger);
            var client = new GcsJsonClient(http, emulator ?? _options.Endpoint ?? new Uri("https://storage.googleapis.com/"), _options.Bucket, credentials.Storage, retry);
            var (signer, noSigner) = await UrlSignerSelector.SelectAsync(_options, credentials, http, retry, cancellationToken).ConfigureAwait(false);
            return new GcsConnection(client, credentials.Storage, signer, credentials.Source, noSigner);
        };
    }

    /// <summary>For tests: a backend on a ready connection.</summary>
    internal GcsStorage(GcsStorageOptions options, GcsConnection connection, ILogger<GcsStorage> logger, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Prefix = NormalisePrefix(options.Prefix);
        _connection = connection;
        _connect = _ => Task.FromResult(connection);
    }

    /// <summary>The folder of the bucket everything goes under ("" or ending in '/').</summary>
    public string Prefix { get; }

    /// <summary>The bucket.</summary>
    public string Bucket => _options.Bucket;

    /// <inheritdoc />
    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var item = await connection.Client.GetAsync(ObjectName(key), cancellationToken).ConfigureAwait(false);
        return item is null ? null : new StoredObject(key, item.Size, item.Updated);
    }

    /// <inheritdoc />
    /// <remarks>The stream resumes a broken download where it stopped.</remarks>
    public async Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var item = await connection.Client.GetAsync(ObjectName(key), cancellationToken).ConfigureAwait(false);
        if (item is null) return null;
        var stream = new GcsReadStream(connection.Client, item, _logger);
        if (offset > 0) stream.Position = Math.Min(offset, item.Size);
        return new StorageReadResult(stream, item.Size);
    }

    /// <inheritdoc />
    public async Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return new GcsUpload(this, connection.Client, _options, _logger);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One request, so an object is replaced whole or not at all. Without <paramref name="replace"/> it is created only if
    /// absent; with it, guarded by the generation it replaces, so that the call can be retried safely (when another
    /// instance replaced it in between, this write is made on top of that one).
    /// </remarks>
    public async Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken)
    {
        var objectName = ObjectName(key);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var md5 = System.Security.Cryptography.MD5.HashData(content.Span);
        for (var attempt = 1; ; attempt++)
        {
            var current = replace ? await connection.Client.GetAsync(objectName, cancellationToken).ConfigureAwait(false) : null;
            try
            {
                await connection.Client.InsertAsync(objectName, content, current?.Generation ?? 0, md5, null, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed && !replace)
            {
                return false;
            }
            catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed && attempt < 5)
            {
                LogRecordRaced(objectName, attempt);
            }
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
            var (scheme, authority) = UrlAuthority(connection.Client.Endpoint);
            if (_options.UrlStyle == UrlStyle.BucketBoundHostname) authority = _options.BucketBoundHostname!;
            var request = new V4SigningRequest(
                method.Method, _options.Bucket, objectName, _time.GetUtcNow(), _options.SignedUrlExpiry, scheme, authority, _options.UrlStyle);
            try
            {
                var signed = await V4UrlSigner.SignAsync(request, signer, cancellationToken).ConfigureAwait(false);
                GcsDiagnostics.Redirects.Add(1, new KeyValuePair<string, object?>("kind", "signed"));
                return new Uri(signed.Url);
            }
            catch (Exception e) when (signer is IamSignBlobSigner && IsSigningFailure(e, cancellationToken))
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
        return PublicUrl(connection.Client.Endpoint, objectName);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in connection.Client.ListAsync(Prefix + prefix, null, cancellationToken).ConfigureAwait(false))
        {
            var key = item.Name[Prefix.Length..];
            if (!key.StartsWith(StagingFolder, StringComparison.Ordinal)) yield return new StoredObject(key, item.Size, item.Updated);
        }
    }

    /// <inheritdoc />
    /// <remarks>Guarded by the object's generation, so it is safe to retry.</remarks>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var name = ObjectName(key);
        var item = await connection.Client.GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (item is null) return false;
        try
        {
            return await connection.Client.DeleteAsync(name, item.Generation, cancellationToken).ConfigureAwait(false);
        }
        catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            // Replaced in between by the same content: delete whatever is there now.
            return await connection.Client.DeleteAsync(name, null, cancellationToken).ConfigureAwait(false);
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
        if (connection.Credential is { } credential)
        {
            try
            {
                await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new GcsStartupException(GcsStartupProblem.Credentials,
                    $"the credentials ({connection.CredentialSource}) could not get an access token: {e.GetBaseException().Message}", e);
            }
        }

        var where = $"bucket '{_options.Bucket}' at {connection.Client.Endpoint}";
        try
        {
            await foreach (var _ in connection.Client.ListAsync(Prefix + "blobs/", 1, cancellationToken).ConfigureAwait(false)) break;
        }
        catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new GcsStartupException(GcsStartupProblem.BucketNotFound, $"{where} does not exist: {e.ServerMessage}", e);
        }
        catch (GcsStorageException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new GcsStartupException(GcsStartupProblem.PermissionDenied,
                $"the credentials ({connection.CredentialSource}) may not list the objects of {where} (grant roles/storage.objectAdmin on the bucket): {e.ServerMessage}", e);
        }
        catch (GcsStorageException e)
        {
            throw new GcsStartupException(GcsStartupProblem.Unreachable, $"{where} answered {(int)e.StatusCode}: {e.ServerMessage}", e);
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
        if (signing && connection.Signer is IamSignBlobSigner iam) await ProbeSignBlobAsync(iam, connection.CredentialSource, cancellationToken).ConfigureAwait(false);
        var serving = _options.Redirect switch
        {
            GcsRedirectMode.None => "streamed through the registry",
            GcsRedirectMode.PublicUrl => "redirected to public object URLs",
            _ when connection.Signer is { } signer => $"redirected to V4 signed URLs valid for {_options.SignedUrlExpiry}, signed as {signer.ServiceAccount} with {signer.Kind}",
            _ => $"redirected to public object URLs (nothing signs URLs: {connection.NoSignerReason}; the objects must be publicly readable)",
        };
        LogReady(_options.Bucket, Prefix, connection.Client.Endpoint.ToString(), connection.CredentialSource, serving);
    }

    /// <summary>Signs a few bytes with IAM, so that a missing permission stops the start instead of every redirect.</summary>
    private async Task ProbeSignBlobAsync(IamSignBlobSigner signer, string credentialSource, CancellationToken cancellationToken)
    {
        var account = signer.ServiceAccount;
        var who = $"the credentials ({credentialSource})";
        try
        {
            await signer.SignAsync("nixery start-up check"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new GcsStartupException(GcsStartupProblem.PermissionDenied,
                $"{who} may not sign URLs as {account} with IAM signBlob (iam.serviceAccounts.signBlob): grant the role " +
                $"roles/iam.serviceAccountTokenCreator on the service account {account} to the registry's identity (to the account itself " +
                $"when the registry runs as it): gcloud iam service-accounts add-iam-policy-binding {account} " +
                $"--member=serviceAccount:<the registry's account> --role=roles/iam.serviceAccountTokenCreator; the IAM Service Account " +
                "Credentials API (iamcredentials.googleapis.com) must be enabled, and on GCE the instance needs the cloud-platform scope. " +
                $"Or set GcsStorage:UrlSigner=None (Redirect=PublicUrl for a public bucket, Redirect=None to stream). IAM answered: {e.ServerMessage}", e);
        }
        catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new GcsStartupException(GcsStartupProblem.Credentials, $"IAM signBlob at {signer.Endpoint} did not accept {who}: {e.ServerMessage}", e);
        }
        catch (GcsStorageException e)
        {
            throw new GcsStartupException(GcsStartupProblem.Unreachable,
                $"IAM signBlob at {signer.Endpoint} answered {(int)e.StatusCode} when signing as {account}: {e.ServerMessage}", e);
        }
        catch (Exception e) when (IsSigningFailure(e, cancellationToken))
        {
            throw new GcsStartupException(GcsStartupProblem.Unreachable, $"IAM signBlob at {signer.Endpoint} is unreachable: {e.GetBaseException().Message}", e);
        }
        if (_options.SignedUrlExpiry > TimeSpan.FromHours(12)) LogLongExpiryWithSignBlob(_options.SignedUrlExpiry.ToString());
    }

    private static bool IsSigningFailure(Exception e, CancellationToken cancellationToken) =>
        e is GcsStorageException or HttpRequestException or IOException or System.Text.Json.JsonException or FormatException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

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

    private const string StagingFolder = "staging/";

    /// <summary>The object that holds <paramref name="key"/>.</summary>
    internal string ObjectName(string key)
    {
        StorageKeys.ThrowIfInvalid(key);
        if (key.StartsWith(StagingFolder, StringComparison.Ordinal))
            throw new ArgumentException($"the key '{key}' is in the backend's own staging folder", nameof(key));
        return Prefix + key;
    }

    internal string StagingName(Guid id) => Prefix + StagingFolder + id.ToString("N");

    /// <summary>The emulator's endpoint from the options or <c>STORAGE_EMULATOR_HOST</c> (<c>host:port</c> means http), or null.</summary>
    internal static Uri? EmulatorEndpoint(GcsStorageOptions options)
    {
        var host = options.EmulatorHost;
        if (string.IsNullOrWhiteSpace(host)) host = Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
        if (string.IsNullOrWhiteSpace(host)) return null;
        if (!host.Contains("://", StringComparison.Ordinal)) host = "http://" + host;
        return new Uri(host.EndsWith('/') ? host : host + "/");
    }

    private static (string Scheme, string Authority) UrlAuthority(Uri endpoint) =>
        (endpoint.Scheme, endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority);

    private Uri PublicUrl(Uri endpoint, string objectName)
    {
        var (scheme, authority) = UrlAuthority(endpoint);
        var path = V4UrlSigner.EncodePath(objectName);
        return _options.UrlStyle switch
        {
            UrlStyle.VirtualHostedStyle => new Uri($"{scheme}://{_options.Bucket}.{authority}/{path}"),
            UrlStyle.BucketBoundHostname => new Uri($"{scheme}://{_options.BucketBoundHostname}/{path}"),
            _ => new Uri($"{scheme}://{authority}/{_options.Bucket}/{path}"),
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Record {ObjectName} was replaced by another writer (attempt {Attempt}); writing again on top")]
    private partial void LogRecordRaced(string objectName, int attempt);
}
