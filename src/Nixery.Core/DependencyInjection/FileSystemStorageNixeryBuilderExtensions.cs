using Nixery.Core.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the file-system storage backend.</summary>
public static class FileSystemStorageNixeryBuilderExtensions
{
    /// <summary>
    /// Keeps layers, configs, manifests and records in the local directory <paramref name="path"/> (created when missing);
    /// the rest of <see cref="FileSystemStorageOptions"/> comes from <c>Nixery:FileSystemStorage</c>.
    /// </summary>
    public static INixeryBuilder UseFileSystemStorage(this INixeryBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Services.Configure<FileSystemStorageOptions>(options => options.Path = path);
        return builder.UseStorage<FileSystemStorage>();
    }
}
