using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.EndToEnd;

/// <summary>
/// The standalone server on an Azure container, configured as a user does: <c>NIXERY_STORAGE_BACKEND=azure</c>,
/// <c>AZURE_STORAGE_CONNECTION_STRING</c>, <c>AZURE_STORAGE_CONTAINER</c>.
/// </summary>
internal static class AzureRegistry
{
    /// <summary>Starts the server; <paramref name="arguments"/> are extra settings such as <c>--Nixery:AzureStorage:MaxRetries=2</c>.</summary>
    public static Task<EnvironmentConfiguredRegistry> StartAsync(string connectionString, string container, params string[] arguments) =>
        EnvironmentConfiguredRegistry.StartAsync(
            new Dictionary<string, string>
            {
                ["NIXERY_STORAGE_BACKEND"] = "azure",
                ["AZURE_STORAGE_CONNECTION_STRING"] = connectionString,
                ["AZURE_STORAGE_CONTAINER"] = container,
            },
            // Layers are staged as blocks of 64 KiB, committed and copied (the demo's layers are smaller than the default block).
            ["--Nixery:AzureStorage:BlockSize=65536", .. arguments]);
}
