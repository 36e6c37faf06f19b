namespace Nixery.Abstractions.Requests;

/// <summary>An image name or tag that the registry grammar does not allow (OCI distribution: <c>NAME_INVALID</c>).</summary>
public sealed class InvalidImageNameException(string name, string reason)
    : NixeryException($"invalid image name '{name}': {reason}")
{
    /// <summary>The name as the client sent it.</summary>
    public string Name { get; } = name;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
