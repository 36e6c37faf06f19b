using Microsoft.Extensions.Options;

namespace Nixery.Storage.Azure;

/// <summary>Checks <see cref="AzureBlobStorageOptions"/> when the host starts, naming each setting that is wrong.</summary>
internal sealed class AzureBlobStorageOptionsValidator : IValidateOptions<AzureBlobStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureBlobStorageOptions options)
    {
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasAccount = options.AccountUrl is not null || !string.IsNullOrWhiteSpace(options.AccountName);
        if (!hasConnectionString && !hasAccount)
            failures.Add("AzureStorage:ConnectionString or AzureStorage:AccountUrl (or AccountName) is required (the standalone server reads AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCOUNT_URL or AZURE_STORAGE_ACCOUNT)");
        else if (hasConnectionString && hasAccount)
            failures.Add("AzureStorage:ConnectionString and AzureStorage:AccountUrl/AccountName exclude each other: give one");
        else if (hasConnectionString && AzureClientFactory.ConnectionStringProblem(options.ConnectionString!) is { } problem)
            failures.Add($"AzureStorage:ConnectionString cannot be read by the SDK ({problem})");
        if (options.AccountUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            failures.Add($"AzureStorage:AccountUrl must be an absolute http or https URL, not '{url}'");
        if (!string.IsNullOrEmpty(options.AccountName) && (options.AccountName.Length is < 3 or > 24 || !options.AccountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))))
            failures.Add($"AzureStorage:AccountName '{options.AccountName}' is not a storage account name: 3 to 24 characters of a-z and 0-9");
        if (!string.IsNullOrEmpty(options.AccountKey))
        {
            if (hasConnectionString)
                failures.Add("AzureStorage:AccountKey goes with AccountUrl or AccountName; a connection string carries its own key");
            else if (!IsBase64(options.AccountKey))
                failures.Add("AzureStorage:AccountKey is not a base64 account key (AZURE_STORAGE_KEY)");
        }
        if (string.IsNullOrWhiteSpace(options.ContainerName))
            failures.Add("AzureStorage:ContainerName is required: the container that holds the layers (the standalone server reads it from AZURE_STORAGE_CONTAINER)");
        else if (!IsContainerName(options.ContainerName))
            failures.Add($"AzureStorage:ContainerName '{options.ContainerName}' is not a container name: 3 to 63 characters of a-z, 0-9 and single '-', starting and ending with a letter or digit");
        if (options.SasExpiry <= TimeSpan.Zero || options.SasExpiry > TimeSpan.FromDays(7))
            failures.Add($"AzureStorage:SasExpiry must be more than zero and at most 7 days (a user delegation key's limit), not {options.SasExpiry}");
        if (options.BlockSize is < AzureBlobStorageOptions.MinimumBlockSize or > AzureBlobStorageOptions.MaximumBlockSize)
            failures.Add($"AzureStorage:BlockSize must be between 64 KiB ({AzureBlobStorageOptions.MinimumBlockSize} bytes) and 256 MiB ({AzureBlobStorageOptions.MaximumBlockSize} bytes), not {options.BlockSize}");
        if (options.ListPageSize is < 1 or > 5000)
            failures.Add($"AzureStorage:ListPageSize must be between 1 and 5000, not {options.ListPageSize}");
        if (options.MaxRetries is < 0 or > 20)
            failures.Add($"AzureStorage:MaxRetries must be between 0 and 20, not {options.MaxRetries}");
        if (options.NetworkTimeout <= TimeSpan.Zero)
            failures.Add($"AzureStorage:NetworkTimeout must be positive, not {options.NetworkTimeout}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) && written > 0;
    }

    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}
