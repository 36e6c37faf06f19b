using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Storage.Azure;

/// <summary>
/// A storage backend in an Azure Blob Storage container, on Azure's own SDK (<c>Azure.Storage.Blobs</c>). Each key is a
/// block blob under <see cref="AzureBlobStorageOptions.Prefix"/>. Small blobs are put to their name in one create-only
/// request (<c>If-None-Match: *</c>); larger ones are staged as blocks (<c>Put Block</c>) of <c>staging/&lt;guid&gt;</c>,
/// committed there only when whole (<c>Put Block List</c>) and copied create-only to their name. Blob requests are
/// redirected to read-only SAS URLs, so clients download layers from the account, not the registry.
/// </summary>
public sealed partial class AzureBlobStorage : IStorageBackend, IStorageStat, IStorageRedirects, IStorageDeletion, IStorageListing, IStorageStartupCheck
{
    internal const string ContentType = "application/octet-stream";
    internal const string StagingFolder = "staging/";

    // A user delegation key is fetched for this long and renewed when less than a SAS's life is left on it.
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromHours(6);

    private readonly AzureBlobStorageOptions _options;
    private readonly ILogger<AzureBlobStorage> _logger;
    private readonly Lazy<(BlobServiceClient Client, TokenCredential? Credential)> _clients;
    private readonly SemaphoreSlim _delegationKeyLock = new(1, 1);
    private UserDelegationKey? _delegationKey;

    /// <summary>Creates the backend; the SDK's client is made on first use or in the start-up check.</summary>
    public AzureBlobStorage(IOptions<AzureBlobStorageOptions> options, ILogger<AzureBlobStorage> logger)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, null, logger)
    {
    }

    /// <summary>For tests: a backend on a given service client (null: made from the options) and the Entra ID credential it uses.</summary>
    internal AzureBlobStorage(AzureBlobStorageOptions options, BlobServiceClient? client, ILogger<AzureBlobStorage> logger, TokenCredential? credential = null)
    {
        _options = options;
        _logger = logger;
        Prefix = NormalisePrefix(options.Prefix);
        _clients = new(() => client is null ? AzureClientFactory.Create(options) : (client, credential));
    }

    /// <summary>The folder of the container everything goes under ("" or ending in '/').</summary>
    public string Prefix { get; }

    /// <summary>The container's name.</summary>
    public string ContainerName => _options.ContainerName;

    internal AzureBlobStorageOptions Options => _options;

    internal BlobContainerClient Container => _clients.Value.Client.GetBlobContainerClient(_options.ContainerName);

    /// <inheritdoc />
    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var properties = await PropertiesAsync(Blob(ObjectName(key)), cancellationToken).ConfigureAwait(false);
        return properties is null ? null : new StoredObject(key, properties.ContentLength, properties.LastModified);
    }

    /// <inheritdoc />
    /// <remarks>One GET from the offset on; the blob's whole length comes from its <c>Content-Range</c>.</remarks>
    public async Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var name = ObjectName(key);
        var blob = Blob(name);
        BlobDownloadStreamingResult result;
        try
        {
            result = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset) }, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // At or past the end: an empty stream, with the blob's length.
            var properties = await PropertiesAsync(blob, cancellationToken).ConfigureAwait(false);
            return properties is null ? null : new StorageReadResult(new MemoryStream([], writable: false), properties.ContentLength);
        }
        if (!IsWhole(result.Details.CopyId, result.Details.CopyStatus))
        {
            await result.Content.DisposeAsync().ConfigureAwait(false);
            result.Dispose();
            return null;
        }
        var length = offset == 0 && result.Details.ContentRange is null ? result.Details.ContentLength : TotalOf(result.Details.ContentRange, name);
        return new StorageReadResult(result.Content, length);
    }

    /// <inheritdoc />
    public Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IStorageUpload>(new AzureUpload(this, _logger));
    }

    /// <inheritdoc />
    /// <remarks>One Put Blob, so a blob is replaced whole or not at all; without <paramref name="replace"/> create-only (<c>If-None-Match: *</c>).</remarks>
    public Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken) =>
        PutWholeAsync(ObjectName(key), content, createOnly: !replace, cancellationToken);

    /// <inheritdoc />
    public async Task<Uri?> GetRedirectAsync(string key, HttpMethod method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (_options.Redirect == AzureRedirectMode.None) return null;
        var blob = Blob(ObjectName(key));
        var expiresOn = DateTimeOffset.UtcNow + _options.SasExpiry;
        // Read is all a SAS grants: GET and HEAD of this one blob.
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn);
        var builder = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            Protocol = blob.Uri.Scheme == "https" ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        UserDelegationKey delegationKey;
        try
        {
            delegationKey = await DelegationKeyAsync(expiresOn, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException)
        {
            // The pull still works: this blob is streamed through the registry (the start-up check names the missing role).
            LogNoDelegationKey(e.Message);
            return null;
        }
        return new BlobUriBuilder(blob.Uri) { Sas = builder.ToSasQueryParameters(delegationKey, blob.AccountName) }.ToUri();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var pages = Container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.CopyStatus, Prefix = Prefix + prefix }, cancellationToken)
            .AsPages(pageSizeHint: _options.ListPageSize);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                var key = item.Name[Prefix.Length..];
                if (key.StartsWith(StagingFolder, StringComparison.Ordinal) || !IsWhole(item.Properties.CopyId, item.Properties.CopyStatus)) continue;
                yield return new StoredObject(key, item.Properties.ContentLength ?? 0, item.Properties.LastModified);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        (await Blob(ObjectName(key)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// Checks that the backend can work: a credential is found and accepted, the container exists, a blob can be written
    /// to <c>staging/</c> and deleted again, and (for user delegation SAS) a user delegation key can be had. Throws
    /// <see cref="AzureStartupException"/> saying which part failed. Skipped at start when <see cref="AzureBlobStorageOptions.CheckOnStart"/> is off.
    /// </summary>
    public Task CheckAsync(CancellationToken cancellationToken) => _options.CheckOnStart ? CheckNowAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>The check of <see cref="CheckAsync"/>, whatever <see cref="AzureBlobStorageOptions.CheckOnStart"/> says.</summary>
    public async Task CheckNowAsync(CancellationToken cancellationToken = default)
    {
        BlobContainerClient container;
        try
        {
            container = Container;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new AzureStartupException(AzureStartupProblem.Configuration, $"the Azure client cannot be made ({e.Message}): check AzureStorage:ConnectionString or AzureStorage:AccountUrl", e);
        }
        var where = $"container '{_options.ContainerName}' at {container.Uri.GetLeftPart(UriPartial.Authority)}";
        var credentials = CredentialSource;
        await StartupStepAsync("read", "Storage Blob Data Contributor", where, credentials,
            () => container.GetPropertiesAsync(cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        var probe = Prefix + StagingFolder + "start-up-check-" + Guid.NewGuid().ToString("N");
        await StartupStepAsync("write blobs to", "Storage Blob Data Contributor", where, credentials,
            () => PutWholeAsync(probe, "nixery start-up check"u8.ToArray(), createOnly: false, cancellationToken), cancellationToken).ConfigureAwait(false);
        await StartupStepAsync("delete blobs from", "Storage Blob Data Contributor", where, credentials,
            () => Blob(probe).DeleteAsync(cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        var serving = "streamed through the registry";
        if (_options.Redirect == AzureRedirectMode.Sas)
        {
            if (Blob(probe).CanGenerateSasUri)
            {
                serving = $"redirected to SAS URLs signed with the account key, valid for {_options.SasExpiry}";
            }
            else
            {
                await StartupStepAsync("get a user delegation key for", "Storage Blob Delegator", where, credentials,
                    () => DelegationKeyAsync(DateTimeOffset.UtcNow + _options.SasExpiry, cancellationToken), cancellationToken).ConfigureAwait(false);
                serving = $"redirected to user delegation SAS URLs, valid for {_options.SasExpiry}";
            }
        }
        LogReady(_options.ContainerName, Prefix, container.Uri.GetLeftPart(UriPartial.Authority), credentials, serving);
    }

    private string CredentialSource =>
        _clients.Value.Credential is not null ? "DefaultAzureCredential (Entra ID)"
        : !string.IsNullOrWhiteSpace(_options.ConnectionString) ? "the connection string's key"
        : "the account key";

    private async Task StartupStepAsync(string what, string role, string where, string credentials, Func<Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound" || (e.Status == 404 && what == "read"))
        {
            throw new AzureStartupException(AzureStartupProblem.ContainerNotFound,
                $"{where} does not exist (AzureStorage:ContainerName, AZURE_STORAGE_CONTAINER in the standalone server): create it, e.g. az storage container create --name {_options.ContainerName}", e);
        }
        // A key has no roles, so a key refused is a wrong key (Azure: AuthenticationFailed; measured on Azurite:
        // AuthorizationFailure), or a network rule that turns this client away.
        catch (RequestFailedException e) when (e.ErrorCode is "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation"
            || (e.Status == 403 && _clients.Value.Credential is null && e.ErrorCode != "AuthorizationPermissionMismatch"))
        {
            throw new AzureStartupException(AzureStartupProblem.Credentials,
                $"{where} did not accept {credentials} ({e.ErrorCode}): check the key in AzureStorage:ConnectionString (AZURE_STORAGE_CONNECTION_STRING) or AzureStorage:AccountKey (AZURE_STORAGE_KEY), the Entra ID identity, or the account's network rules", e);
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            throw new AzureStartupException(AzureStartupProblem.PermissionDenied,
                $"{credentials} may not {what} {where} ({e.ErrorCode}): assign the role '{role}' on the container or account (see the least roles in the package's README)", e);
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            throw new AzureStartupException(AzureStartupProblem.Unreachable, $"{where} answered {e.Status} {e.ErrorCode}: {e.Message}", e);
        }
        catch (Exception e) when (e is CredentialUnavailableException or AuthenticationFailedException)
        {
            throw new AzureStartupException(AzureStartupProblem.Credentials,
                $"no Entra ID credential was found or accepted ({e.Message}): give a workload or managed identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or AzureStorage:ConnectionString", e);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AzureStartupException(AzureStartupProblem.Unreachable, $"{where} is unreachable: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>
    /// Puts <paramref name="content"/> as one block blob in one request (with its MD5 for the account to check);
    /// create-only (<c>If-None-Match: *</c>) when asked. False when create-only found a blob there.
    /// </summary>
    internal async Task<bool> PutWholeAsync(string blobName, ReadOnlyMemory<byte> content, bool createOnly, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentType },
            // One Put Blob, never the SDK's own staged blocks: readers see the old blob or the new one.
            TransferOptions = new global::Azure.Storage.StorageTransferOptions { InitialTransferSize = content.Length + 1L, MaximumTransferSize = content.Length + 1L },
            Conditions = createOnly ? new BlobRequestConditions { IfNoneMatch = ETag.All } : null,
        };
        try
        {
            await Blob(blobName).UploadAsync(BinaryData.FromBytes(content), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (createOnly && IsAlreadyThere(e))
        {
            LogAlreadyStored(blobName);
            return false;
        }
    }

    /// <summary>The blob's properties, or null when there is none or it is a copy not (or never) finished.</summary>
    internal static async Task<BlobProperties?> PropertiesAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return IsWhole(properties.CopyId, properties.CopyStatus) ? properties : null;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    internal BlobClient Blob(string blobName) => Container.GetBlobClient(blobName);

    internal BlockBlobClient BlockBlob(string blobName) => Container.GetBlockBlobClient(blobName);

    /// <summary>The blob that holds <paramref name="key"/>.</summary>
    internal string ObjectName(string key)
    {
        StorageKeys.ThrowIfInvalid(key);
        if (key.StartsWith(StagingFolder, StringComparison.Ordinal))
            throw new ArgumentException($"the key '{key}' is in the backend's own staging folder", nameof(key));
        return Prefix + key;
    }

    internal string StagingName(Guid id) => Prefix + StagingFolder + id.ToString("N");

    /// <summary>A blob made by a copy is whole only once the copy succeeded; one made by a put has no copy status.</summary>
    internal static bool IsWhole(string? copyId, CopyStatus? status) => string.IsNullOrEmpty(copyId) || status == CopyStatus.Success;

    /// <summary>A create-only write found a blob: 409 BlobAlreadyExists (Put Blob, Put Block List, Copy) or 412.</summary>
    internal static bool IsAlreadyThere(RequestFailedException e) =>
        e.Status == (int)HttpStatusCode.PreconditionFailed || e.ErrorCode == "BlobAlreadyExists" || (e.Status == (int)HttpStatusCode.Conflict && e.ErrorCode == "ConditionNotMet");

    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset neededUntil, CancellationToken cancellationToken)
    {
        if (_delegationKey is { } key && key.SignedExpiresOn >= neededUntil) return key;
        await _delegationKeyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_delegationKey is { } fresh && fresh.SignedExpiresOn >= neededUntil) return fresh;
            var now = DateTimeOffset.UtcNow;
            // Started a little in the past: the account's clock may be behind ours.
            var lifetime = DelegationKeyLifetime > _options.SasExpiry ? DelegationKeyLifetime : _options.SasExpiry + TimeSpan.FromMinutes(10);
            var expiresOn = now + (lifetime > TimeSpan.FromDays(7) ? TimeSpan.FromDays(7) : lifetime);
            _delegationKey = (await _clients.Value.Client.GetUserDelegationKeyAsync(new BlobGetUserDelegationKeyOptions(expiresOn) { StartsOn = now - TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false)).Value;
            return _delegationKey;
        }
        finally
        {
            _delegationKeyLock.Release();
        }
    }

    private static long TotalOf(string? contentRange, string blobName)
    {
        // "bytes 100-199/200"
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        if (slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total)) return total;
        throw new AzureStorageException("Get Blob", blobName, $"a ranged read came without a usable Content-Range ('{contentRange}')");
    }

    private static string NormalisePrefix(string? prefix)
    {
        prefix = (prefix ?? "").Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Azure blob store ready: container {Container}, prefix '{Prefix}', endpoint {Endpoint}, credentials {CredentialSource}; blobs are {Serving}")]
    private partial void LogReady(string container, string prefix, string endpoint, string credentialSource, string serving);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user delegation key for a SAS redirect ({Reason}); the blob is streamed through the registry")]
    private partial void LogNoDelegationKey(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{BlobName} was already stored; kept the existing blob")]
    private partial void LogAlreadyStored(string blobName);
}
