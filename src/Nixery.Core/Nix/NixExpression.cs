using System.Reflection;

namespace Nixery.Core.Nix;

/// <summary>
/// The embedded <c>resolve.nix</c>, written to the state directory because Nix can only read files.
/// Shipping it as a resource means a NuGet consumer needs nothing beside the assembly.
/// </summary>
internal static class NixExpression
{
    private const string ResourceName = "Nixery.Core.Nix.resolve.nix";

    private static readonly Lazy<byte[]> Content = new(() =>
    {
        using var stream = typeof(NixExpression).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Writes the expression to <c>&lt;stateDirectory&gt;/nix/resolve.nix</c> unless it is there already; returns its path.</summary>
    public static async Task<string> EnsureWrittenAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetFullPath(stateDirectory), "nix");
        var path = Path.Combine(directory, "resolve.nix");
        var content = Content.Value;
        if (File.Exists(path))
        {
            var existing = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (existing.AsSpan().SequenceEqual(content)) return path;
        }

        Directory.CreateDirectory(directory);
        // Write then rename, so a concurrent Nix call never reads half a file.
        var temporary = Path.Combine(directory, $".resolve.nix.{Environment.ProcessId}.{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
