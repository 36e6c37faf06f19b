namespace Nixery.IntegrationTests.Support;

/// <summary>Follows symlinks inside an unpacked image, as the container would, never into the host's own files.</summary>
internal static class RootFileSystem
{
    /// <summary>The host path that <paramref name="path"/> resolves to inside <paramref name="root"/>.</summary>
    public static string Resolve(string root, string path)
    {
        var parts = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        for (var hops = 0; parts.Count > 0; )
        {
            var part = parts.Pop();
            if (part == ".") continue;
            if (part == "..") { if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1); continue; }
            var host = Path.Combine([root, .. resolved, part]);
            var target = new FileInfo(host).LinkTarget;
            if (target is null) { resolved.Add(part); continue; }
            Assert.True(++hops < 40, $"too many symbolic links resolving {path}");
            if (target.StartsWith('/')) resolved.Clear();
            foreach (var next in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) parts.Push(next);
        }
        return Path.Combine([root, .. resolved]);
    }
}
