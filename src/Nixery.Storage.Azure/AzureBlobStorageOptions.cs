namespace Nixery.Storage.Azure;

/// <summary>Settings of <see cref="AzureBlobStorage"/>, bound from the <c>AzureStorage</c> configuration section.</summary>
/// <remarks>
/// Give one of <see cref="ConnectionString"/>, <see cref="AccountUrl"/> or <see cref="AccountName"/>. Without a connection
/// string or <see cref="AccountKey"/> the backend signs in with Azure.Identity's <c>DefaultAzureCredential</c> (workload
/// identity, managed identity, the Azure CLI, <c>AZURE_CLIENT_ID</c>/<c>AZURE_TENANT_ID</c>/<c>AZURE_CLIENT_SECRET</c>).
/// </remarks>
public sealed class AzureBlobStorageOptions
{
    /// <summary>The largest block the backend holds in memory per upload.</summary>
    public const int MaximumBlockSize = 256 * 1024 * 1024;

    /// <summary>The smallest block size allowed.</summary>
    public const int MinimumBlockSize = 64 * 1024;

    /// <summary>
    /// A storage connection string (the standalone server reads it from <c>AZURE_STORAGE_CONNECTION_STRING</c>), e.g.
    /// Azurite's <c>UseDevelopmentStorage=true</c>. With an account key in it, SAS URLs are signed with that key.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service's URL, e.g. <c>https://myaccount.blob.core.windows.net/</c> (<c>AZURE_STORAGE_ACCOUNT_URL</c>).</summary>
    public Uri? AccountUrl { get; set; }

    /// <summary>The account's name (<c>AZURE_STORAGE_ACCOUNT</c>), for <c>https://NAME.blob.core.windows.net/</c> when <see cref="AccountUrl"/> is not given.</summary>
    public string? AccountName { get; set; }

    /// <summary>
    /// The account's key (base64, <c>AZURE_STORAGE_KEY</c>), with <see cref="AccountUrl"/> or <see cref="AccountName"/>:
    /// requests and SAS URLs are then signed with it instead of an Entra ID credential.
    /// </summary>
    public string? AccountKey { get; set; }

    /// <summary>The container that holds everything (<c>AZURE_STORAGE_CONTAINER</c>). Required; it must exist.</summary>
    public string ContainerName { get; set; } = "";

    /// <summary>A folder inside the container for everything this registry writes, e.g. <c>nixery/</c> (default: the root).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>How blob requests are answered (default <see cref="AzureRedirectMode.Sas"/>).</summary>
    public AzureRedirectMode Redirect { get; set; } = AzureRedirectMode.Sas;

    /// <summary>How long a SAS URL stays valid (default 5 minutes, at most 7 days: a user delegation key's limit).</summary>
    public TimeSpan SasExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The size of one staged block (default 8 MiB, 64 KiB to 256 MiB); one block is held in memory per upload. Blobs up to
    /// this size are put to their name in one create-only request; larger ones are staged as blocks of a staging blob.
    /// </summary>
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Blobs per page when listing (default 5000, Azure's most).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>How often the SDK retries a failed request (503, throttling, a dropped connection); default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>How long the SDK waits for one request's network operations (default 100 seconds).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Whether the start of the host checks the container, the credential and that blobs can be written (default on).</summary>
    public bool CheckOnStart { get; set; } = true;
}
