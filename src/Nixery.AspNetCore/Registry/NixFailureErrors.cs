using Microsoft.AspNetCore.Http;
using Nixery.Abstractions.Building;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// How a Nix failure that is not a missing package reaches the user.
/// </summary>
/// <remarks>
/// Docker's, containerd's and podman's registry clients parse the error JSON only for 4xx statuses; for a 5xx they
/// print "received unexpected HTTP status: 500 Internal Server Error" and the message is lost (docker also retries).
/// So failures of the package set itself (it does not evaluate, a package does not build, Nix ran out of time on it)
/// answer <c>422 Unprocessable Content</c> with code <c>UNKNOWN</c>: the request was understood, this image cannot be
/// made, and the client prints Nix's message. A retry would fail the same way until the package set or the timeout
/// changes. Only a Nix that cannot be run at all, which is the operator's problem and not the image's, answers
/// <c>500</c> (the JSON body is still there for curl and logs).
/// </remarks>
internal static class NixFailureErrors
{
    /// <summary>Longest message sent; docker prints all of it, and Nix's last lines are the ones that say why.</summary>
    private const int MaxMessageLength = 4096;

    public static RegistryError From(NixFailureException failure)
    {
        var status = failure.Kind == NixFailureKind.Invocation
            ? StatusCodes.Status500InternalServerError
            : StatusCodes.Status422UnprocessableEntity;
        var kind = failure.Kind.ToString().ToLowerInvariant();
        var nixMessage = failure.NixMessage;
        return new RegistryError(status, RegistryErrorCodes.Unknown, Shorten(failure.Message), json =>
        {
            json.WriteStartObject();
            json.WriteString("kind", kind);
            json.WriteString("nixMessage", nixMessage);
            json.WriteEndObject();
        });
    }

    private static string Shorten(string message)
    {
        if (message.Length <= MaxMessageLength) return message;
        const int head = 256;
        return string.Concat(message.AsSpan(0, head), " … ", message.AsSpan(message.Length - (MaxMessageLength - head - 3)));
    }
}
