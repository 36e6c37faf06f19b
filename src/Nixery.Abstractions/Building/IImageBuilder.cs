using Nixery.Abstractions.Requests;

namespace Nixery.Abstractions.Building;

/// <summary>Builds an image for a request, or finds it already built.</summary>
public interface IImageBuilder
{
    /// <summary>Builds (or fetches from cache) the image for <paramref name="request"/>.</summary>
    /// <exception cref="NixFailureException">Nix failed for a reason other than missing packages.</exception>
    Task<ImageBuildResult> BuildAsync(ImageRequest request, CancellationToken cancellationToken = default);
}
