using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nixery.Storage.Azure;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the Azure Blob Storage backend on the engine's builder.</summary>
public static class AzureBlobNixeryBuilderExtensions
{
    /// <summary>
    /// Keeps layers, configs, manifests and records in an Azure Blob Storage container, and redirects blob requests to
    /// read-only SAS URLs. Settings come from <paramref name="configuration"/> (e.g. the <c>Nixery:AzureStorage</c>
    /// section) when given, then from <paramref name="configure"/>. The host's start checks the settings, the credential,
    /// the container and a write.
    /// </summary>
    public static INixeryBuilder UseAzureBlobStorage(this INixeryBuilder builder, IConfiguration? configuration, Action<AzureBlobStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<AzureBlobStorageOptions>();
        if (configuration is not null) options.Bind(configuration);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureBlobStorageOptions>, AzureBlobStorageOptionsValidator>());
        return builder.UseStorage<AzureBlobStorage>();
    }

    /// <summary>Keeps blobs in an Azure Blob Storage container, with settings from <paramref name="configure"/>.</summary>
    public static INixeryBuilder UseAzureBlobStorage(this INixeryBuilder builder, Action<AzureBlobStorageOptions> configure) =>
        builder.UseAzureBlobStorage(null, configure);

    /// <summary>Keeps blobs in <paramref name="containerName"/> of the account at <paramref name="accountUrl"/>, signing in with DefaultAzureCredential.</summary>
    public static INixeryBuilder UseAzureBlobStorage(this INixeryBuilder builder, Uri accountUrl, string containerName) =>
        builder.UseAzureBlobStorage(null, options =>
        {
            options.AccountUrl = accountUrl;
            options.ContainerName = containerName;
        });
}
