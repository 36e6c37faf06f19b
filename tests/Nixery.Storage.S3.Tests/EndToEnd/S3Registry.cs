using Nixery.Storage.S3.Tests.Support;
using Nixery.Testing;

namespace Nixery.Storage.S3.Tests.EndToEnd;

/// <summary>
/// The standalone server on an S3 bucket, configured as a user does: <c>NIXERY_STORAGE_BACKEND=s3</c>, <c>S3_BUCKET</c>,
/// <c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>.
/// </summary>
internal static class S3Registry
{
    /// <summary>Starts the server on <paramref name="endpoint"/>; <paramref name="arguments"/> are extra settings such as <c>--Nixery:S3Storage:MaxRetries=2</c>.</summary>
    public static Task<EnvironmentConfiguredRegistry> StartAsync(Uri endpoint, string bucket, params string[] arguments) =>
        EnvironmentConfiguredRegistry.StartAsync(
            new Dictionary<string, string>
            {
                ["NIXERY_STORAGE_BACKEND"] = "s3",
                ["S3_BUCKET"] = bucket,
                ["AWS_ENDPOINT_URL_S3"] = endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = RadosGateway.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = RadosGateway.SecretKey,
            },
            // Layers go through staging/, a multipart upload and a copy (the demo's layers are smaller than the default threshold).
            ["--Nixery:S3Storage:MultipartThreshold=0", .. arguments]);
}
