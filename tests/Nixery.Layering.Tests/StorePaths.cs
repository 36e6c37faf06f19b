using Nixery.Abstractions.Graph;

namespace Nixery.Layering.Tests;

/// <summary>Realistic store path strings for tests.</summary>
internal static class StorePaths
{
    private const string Nix32 = "0123456789abcdfghijklmnpqrsvwxyz";

    /// <summary>A path whose hash is one character repeated, so paths sort in the order of <paramref name="hashChar"/>.</summary>
    public static string Of(char hashChar, string name) => $"/nix/store/{new string(hashChar, 32)}-{name}";

    /// <summary>A path with a random (seeded) hash.</summary>
    public static string Random(Random random, string name)
    {
        Span<char> hash = stackalloc char[32];
        for (var i = 0; i < hash.Length; i++)
        {
            hash[i] = Nix32[random.Next(Nix32.Length)];
        }

        return $"/nix/store/{hash}-{name}";
    }

    public static StorePath Path(string path, long narSize, params string[] references) => new(path, narSize, references);
}
