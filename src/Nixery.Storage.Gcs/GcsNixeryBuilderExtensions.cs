using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nixery.Storage.Gcs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the Cloud Storage backend on the engine's builder.</summary>
public static class GcsNixeryBuilderExtensions
{
    /// <summary>
    /// The name of the HTTP client whose handler the backend's Google clients send through (storage calls, token requests,
    /// IAM signBlob): configure proxies or handlers on it with <c>services.AddHttpClient(HttpClientName)</c>.
    /// </summary>
    public const string HttpClientName = "Nixery.Storage.Gcs";

    /// <summary>
    /// Keeps layers, configs, manifests and records in a Cloud Storage bucket, and redirects blob requests to it.
    /// Settings come from <paramref name="configuration"/> (e.g. the <c>Nixery:GcsStorage</c> section) when given, then
    /// from <paramref name="configure"/>. The host's start checks the settings, the credentials and the bucket.
    /// </summary>
    public static INixeryBuilder UseGcsStorage(this INixeryBuilder builder, IConfiguration? configuration, Action<GcsStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<GcsStorageOptions>();
        if (configuration is not null) options.Bind(configuration);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GcsStorageOptions>, GcsStorageOptionsValidator>());
        // The Google clients follow redirects and decompress themselves, and must be told what the handler does.
        services.AddHttpClient(HttpClientName).ConfigurePrimaryHttpMessageHandler(() =>
            new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
        return builder.UseStorage<GcsStorage>();
    }

    /// <summary>Keeps blobs in a Cloud Storage bucket, with settings from <paramref name="configure"/>.</summary>
    public static INixeryBuilder UseGcsStorage(this INixeryBuilder builder, Action<GcsStorageOptions> configure) =>
        builder.UseGcsStorage(null, configure);

    /// <summary>Keeps blobs in the bucket <paramref name="bucket"/>, with default settings.</summary>
    public static INixeryBuilder UseGcsStorage(this INixeryBuilder builder, string bucket) =>
        builder.UseGcsStorage(null, options => options.Bucket = bucket);
}
