namespace Nixery.Storage.Azure;

/// <summary>How the registry answers a blob request when blobs live in Azure Blob Storage.</summary>
public enum AzureRedirectMode
{
    /// <summary>
    /// A read-only SAS URL valid for <see cref="AzureBlobStorageOptions.SasExpiry"/>: signed with the account key when the
    /// client has one (connection string or <see cref="AzureBlobStorageOptions.AccountKey"/>), else with a user delegation
    /// key fetched with the Entra ID credential (the identity needs <c>Storage Blob Delegator</c>).
    /// </summary>
    Sas,

    /// <summary>No redirect: the registry streams blobs from the container itself.</summary>
    None,
}
