using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nixery.Storage.S3;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the S3 backend on the engine's builder.</summary>
public static class S3NixeryBuilderExtensions
{
    /// <summary>
    /// Keeps layers, configs, manifests and records in an S3 bucket (AWS, or an S3-compatible store through
    /// <see cref="S3StorageOptions.ServiceUrl"/>), and redirects blob requests to presigned URLs. Settings come from
    /// <paramref name="configuration"/> (e.g. the <c>Nixery:S3Storage</c> section) when given, then from
    /// <paramref name="configure"/>. The host's start checks the settings, the credentials, the bucket and a write.
    /// </summary>
    public static INixeryBuilder UseS3Storage(this INixeryBuilder builder, IConfiguration? configuration, Action<S3StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<S3StorageOptions>();
        if (configuration is not null) options.Bind(configuration);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3StorageOptions>, S3StorageOptionsValidator>());
        return builder.UseStorage<S3Storage>();
    }

    /// <summary>Keeps blobs in an S3 bucket, with settings from <paramref name="configure"/>.</summary>
    public static INixeryBuilder UseS3Storage(this INixeryBuilder builder, Action<S3StorageOptions> configure) =>
        builder.UseS3Storage(null, configure);

    /// <summary>Keeps blobs in the AWS bucket <paramref name="bucket"/>, with the SDK's region and credentials.</summary>
    public static INixeryBuilder UseS3Storage(this INixeryBuilder builder, string bucket) =>
        builder.UseS3Storage(null, options => options.Bucket = bucket);
}
