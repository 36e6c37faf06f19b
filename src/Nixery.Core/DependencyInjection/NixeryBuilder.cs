using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Layering;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core.Sources;
using Nixery.Core.Storage;

namespace Nixery.Core.DependencyInjection;

/// <summary>
/// Returned by <see cref="NixeryServiceCollectionExtensions.AddNixery(IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration?)"/>:
/// the host picks the package source, the blob store and the layering strategy here. Storage backends in other
/// packages add their own <c>Use…Storage</c> extension methods.
/// </summary>
public sealed class NixeryBuilder
{
    private readonly string _section;

    internal NixeryBuilder(IServiceCollection services, string section)
    {
        Services = services;
        _section = section;
    }

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Builds from a package source of the host's own.</summary>
    public NixeryBuilder UsePackageSource(IPackageSource source)
    {
        Services.Replace(ServiceDescriptor.Singleton(source));
        return this;
    }

    /// <summary>Builds from a package set in a local directory (never cached by name: it may change).</summary>
    public NixeryBuilder UsePathPackageSource(string path) => UsePackageSource(new PathPackageSource(path));

    /// <summary>Builds from a git repository; image tags select branches or commits.</summary>
    public NixeryBuilder UseGitPackageSource(string url) => UsePackageSource(new GitPackageSource(url));

    /// <summary>Builds from a nixpkgs channel (or commit) fetched as a tarball.</summary>
    /// <param name="channel">e.g. <c>nixos-unstable</c>, or a 40-hex nixpkgs commit.</param>
    /// <param name="urlTemplate">The tarball URL with <c>{0}</c> for the channel; nixpkgs' archive when null.</param>
    public NixeryBuilder UseChannelPackageSource(string channel, string? urlTemplate = null) =>
        UsePackageSource(urlTemplate is null ? new ChannelPackageSource(channel) : new ChannelPackageSource(channel, urlTemplate));

    /// <summary>Keeps layers, configs, manifests and records in a local directory.</summary>
    public NixeryBuilder UseFileSystemStorage(string path)
    {
        Services.Configure<FileSystemStorageOptions>(options => options.Path = path);
        Services.AddOptions<FileSystemStorageOptions>().ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileSystemStorageOptions>>(
            new FileSystemStorageOptionsValidator(_section + ":FileSystemStorage")));
        return UseBlobStore<FileSystemBlobStore>();
    }

    /// <summary>Uses a blob store of the host's own (or of another package).</summary>
    public NixeryBuilder UseBlobStore<TStore>() where TStore : class, IBlobStore
    {
        Services.TryAddSingleton<TStore>();
        Services.Replace(ServiceDescriptor.Singleton<IBlobStore>(provider => provider.GetRequiredService<TStore>()));
        return this;
    }

    /// <summary>Groups store paths into layers with another strategy.</summary>
    public NixeryBuilder UseLayerStrategy(ILayerStrategy strategy)
    {
        Services.Replace(ServiceDescriptor.Singleton(strategy));
        return this;
    }
}
