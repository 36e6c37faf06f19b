namespace Nixery.Abstractions;

/// <summary>Base of the errors a user can act on; each subtype maps to one registry error code.</summary>
public abstract class NixeryException(string message, Exception? inner = null) : Exception(message, inner);
