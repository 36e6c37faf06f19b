namespace Nixery.Core.Nix;

/// <summary>The Nix daemon ended an operation with an error: <see cref="Exception.Message"/> is Nix's own text.</summary>
internal sealed class NixDaemonException(string message) : Exception(message);
