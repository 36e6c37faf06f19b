namespace Nixery.Abstractions.Building;

/// <summary>Why a Nix call failed.</summary>
public enum NixFailureKind
{
    /// <summary>The package set or a package failed to evaluate.</summary>
    Evaluation,
    /// <summary>A derivation failed to build or could not be fetched.</summary>
    Build,
    /// <summary>Nix did not finish within the configured timeout.</summary>
    Timeout,
    /// <summary>Nix could not be started, or answered in a way we do not understand.</summary>
    Invocation,
}
