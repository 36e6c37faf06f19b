using Microsoft.Extensions.Options;
using Nixery.Abstractions;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;
using Nixery.Core;
using Nixery.Core.Building;
using Nixery.Core.Layout;
using Nixery.Core.Platforms;

namespace Nixery.Server;

/// <summary><c>nixery build NAME[:TAG] --output DIR</c>: one image as an OCI layout, without a server.</summary>
internal static class BuildCommand
{
    public const string Usage = """
        usage: nixery                                   run the registry (PORT, default 8080)
               nixery build NAME[:TAG] --output DIR     build one image into an OCI image layout
               nixery gc [--apply] [--retention T] [--grace-period T]
                                                        collect the blob store's garbage (a dry run without --apply)

        build makes the image NAME (packages separated by '/', e.g. shell/git) with Nix and writes it as an OCI image
        layout to DIR, tagged TAG (default: latest), e.g. for: skopeo copy oci:DIR:TAG containers-storage:NAME:TAG
        With several platforms (NIXERY_PLATFORMS=linux/amd64,linux/arm64) it writes an image index of one image per
        platform, as the registry serves the name: skopeo copy --all oci:DIR:TAG ... copies them all.
        Both are configured by appsettings.json and the environment variables NIXERY_PKGS_PATH, NIXERY_PKGS_REPO,
        NIXERY_CHANNEL, NIXERY_FLAKE, NIXERY_PLATFORMS, NIX_EXTRA_PLATFORMS, NIXERY_STORAGE_BACKEND, STORAGE_PATH,
        NIX_TIMEOUT, NIX_POPULARITY_URL, NIX_CLOSURE_POPULARITY_URL (and PORT for the server).
        """;

    public static async Task<int> RunAsync(string[] args, Func<string, string?> variable, CancellationToken cancellationToken)
    {
        if (args is not [var reference, "--output" or "-o", var output])
        {
            await Console.Error.WriteLineAsync(Usage);
            return 64;
        }

        var colon = reference.LastIndexOf(':');
        var (name, tag) = colon < 0 ? (reference, ImageRequest.LatestTag) : (reference[..colon], reference[(colon + 1)..]);

        await using var provider = CommandServices.Create(variable);

        var request = ImageRequest.Parse(name, tag, provider.GetRequiredService<IOptions<NixeryOptions>>().Value.Requests);
        // As the registry answers the name: every platform of Nixery:Platforms in an index, unless arm64/ chose one.
        var platforms = provider.GetRequiredService<ImagePlatforms>();
        if (!request.ArchitectureSelected) request = request with { Architecture = platforms.Default };
        try
        {
            var result = platforms.IsMultiPlatform && !request.ArchitectureSelected
                ? (await provider.GetRequiredService<ImageIndexBuilds>().GetOrBuildAsync(request, cancellationToken)).Result
                : await provider.GetRequiredService<IImageBuilder>().BuildAsync(request, cancellationToken);
            switch (result)
            {
                case PackagesNotFound missing:
                    await Console.Error.WriteLineAsync($"nixery: {missing.Message}");
                    return 1;
                case BuiltImage image:
                    await OciLayoutWriter.WriteAsync(image, provider.GetRequiredService<IBlobStore>(), output, tag, cancellationToken);
                    Console.WriteLine($"{image.OciManifest.Digest} {name}:{tag} ({image.Layers.Count} layers) written to {output}");
                    return 0;
                case BuiltImageIndex index:
                    await OciLayoutWriter.WriteAsync(index, provider.GetRequiredService<IBlobStore>(), output, tag, cancellationToken);
                    Console.WriteLine($"{index.OciIndex.Digest} {name}:{tag} (index of {string.Join(", ", index.Images.Select(i => i.Request.Architecture.OciPlatform))}) written to {output}");
                    return 0;
                default:
                    throw new InvalidOperationException($"unexpected build result {result.GetType().Name}");
            }
        }
        catch (NixeryException error)
        {
            await Console.Error.WriteLineAsync($"nixery: {error.Message}");
            return 1;
        }
    }
}
