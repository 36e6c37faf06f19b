using System.Text;

namespace Nixery.Core.Packing;

/// <summary>
/// The files every image gets besides its packages (the baseline): the users and groups <c>root</c> and <c>nobody</c>,
/// plus <c>nonroot</c> (65532, as distroless images have it) for the <c>nonroot</c> meta-package, and a
/// <c>/etc/nsswitch.conf</c> that makes glibc read them and <c>/etc/hosts</c> before DNS.
/// </summary>
internal static class BaselineFiles
{
    /// <summary>Uid and gid of the non-root user and group.</summary>
    public const int NonRootId = 65532;

    /// <summary>The non-root user's home, relative to <c>/</c>.</summary>
    public const string NonRootHome = "home/nonroot";

    /// <summary>Mode of the baseline's files: read by everyone, written by root alone.</summary>
    public const int FileMode = 0b110_100_100;

    /// <summary>Mode of root's home: for root alone.</summary>
    public const int RootHomeMode = 0b111_000_000;

    /// <summary>The image config's <c>User</c> of a non-root image: numeric, so that Kubernetes' <c>runAsNonRoot</c> can check it.</summary>
    public static string NonRootUser => $"{NonRootId}:{NonRootId}";

    /// <summary>The files of <c>/etc</c> by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Content)> Etc(bool nonRoot) =>
    [
        ("group", Lines(["root:x:0:", "nobody:x:65534:", .. nonRoot ? [$"nonroot:x:{NonRootId}:"] : Array.Empty<string>()])),
        ("nsswitch.conf", Lines([
            "passwd: files", "group: files", "shadow: files", "hosts: files dns", "networks: files",
            "protocols: files", "services: files", "ethers: files", "rpc: files"])),
        ("passwd", Lines([
            "root:x:0:0:root:/root:/bin/sh",
            "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
            .. nonRoot ? [$"nonroot:x:{NonRootId}:{NonRootId}:nonroot:/{NonRootHome}:/bin/sh"] : Array.Empty<string>()])),
    ];

    private static byte[] Lines(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
}
