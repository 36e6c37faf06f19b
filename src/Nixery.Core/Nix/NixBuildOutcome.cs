namespace Nixery.Core.Nix;

/// <summary>
/// What <see cref="INixClient.BuildAsync"/> gave: either <see cref="PackagesMissing"/> or a <see cref="RealisedClosure"/>.
/// Other failures are <see cref="Abstractions.Building.NixFailureException"/>s.
/// </summary>
public abstract record NixBuildOutcome
{
    // Only the two cases in this assembly.
    private protected NixBuildOutcome() { }
}
