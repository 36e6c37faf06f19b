namespace Nixery.Core.Building;

/// <summary>One image that could not be made, as kept by <see cref="BuildFailureLog"/>.</summary>
/// <param name="Time">When the build failed.</param>
/// <param name="Image">The image name as requested, e.g. <c>shell/git</c>.</param>
/// <param name="Tag">The tag as requested.</param>
/// <param name="Kind"><c>packages-not-found</c>, or the Nix failure kind in lower case (<c>evaluation</c>, <c>build</c>, <c>timeout</c>, <c>invocation</c>).</param>
/// <param name="Message">What the user was told.</param>
/// <param name="NixMessage">Nix's own message, when Nix failed.</param>
public sealed record BuildFailure(DateTimeOffset Time, string Image, string Tag, string Kind, string Message, string? NixMessage);
