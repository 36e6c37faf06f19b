namespace Nixery.Testing;

/// <summary>
/// A Nix bin directory (for <c>Nixery:Nix:NixBinDirectory</c>) of wrappers that log every call, then run the real
/// command: which Nix programs a build started, and for whom (the caller's <c>NIXERY_TEST_REPLICA</c>, if set).
/// Commands left out of the directory cannot be started at all. Linked into each test project that counts Nix calls.
/// </summary>
internal sealed class NixCallLog
{
    /// <summary>Every Nix program the engine starts.</summary>
    public static readonly string[] AllCommands = ["nix-instantiate", "nix-store", "nix", "nix-daemon"];

    private readonly string _log;

    /// <summary>Writes wrappers for <paramref name="commands"/> into <paramref name="directory"/>/bin.</summary>
    public NixCallLog(string directory, IEnumerable<string>? commands = null)
    {
        BinDirectory = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
        _log = Path.Combine(directory, "nix-calls.log");
        foreach (var command in commands ?? AllCommands)
        {
            var real = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                .Select(d => Path.Combine(d, command)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{command} is not installed: run scripts/install-dependencies (nix-bin)");
            var wrapper = Path.Combine(BinDirectory, command);
            // One line per call: the caller's tag, the command, and its arguments on one line.
            File.WriteAllText(wrapper, $"""
                #!/bin/sh
                printf '%s\t%s\t%s\n' "$NIXERY_TEST_REPLICA" {command} "$(printf '%s' "$*" | tr '\n\t' '  ')" >> '{_log}'
                exec '{real}' "$@"

                """);
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The directory to give the engine as its Nix bin directory.</summary>
    public string BinDirectory { get; }

    /// <summary>The calls so far, in order.</summary>
    public IReadOnlyList<(string Tag, string Command, string Arguments)> Calls() =>
        [.. (File.Exists(_log) ? File.ReadAllLines(_log) : []).Select(line => line.Split('\t', 3)).Select(f => (f[0], f[1], f[2]))];
}
