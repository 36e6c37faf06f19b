using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;

namespace Nixery.Core.Nix;

/// <summary>Resolves and realises an image's packages with Nix.</summary>
public interface INixClient
{
    /// <summary>
    /// Resolves <paramref name="request"/>'s packages in <paramref name="packageSet"/> for its architecture, builds
    /// them, and reports their runtime closure; or reports which packages do not exist, without building anything.
    /// </summary>
    /// <exception cref="NixFailureException">Evaluation or build failed, Nix timed out, or Nix could not be run.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; Nix was killed.</exception>
    Task<NixBuildOutcome> BuildAsync(ImageRequest request, PackageSetReference packageSet, CancellationToken cancellationToken = default);
}
