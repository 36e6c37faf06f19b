using System.Text.Json;
using Nixery.RegistryBenchmark.Backends;

namespace Nixery.Testing;

/// <summary>
/// Replicas of the standalone server (<c>dotnet nixery.dll</c>) as operators run them behind a load balancer: one blob
/// store, one Redis coordinating their builds, a Nix state directory each. Nix is called through wrappers that log
/// every call with the replica's number, and the package set is the demo set plus probes: packages that are cold (a
/// fresh name each), take as long to build as asked, and log each time Nix really builds them. Linked into each test
/// project that runs a cluster.
/// </summary>
internal sealed class ReplicaCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly StandaloneServerProcess?[] _replicas;
    private readonly Dictionary<string, int> _probes = [];
    private Dictionary<string, string> _environment = [];
    private NixCallLog _nix = null!;

    private ReplicaCluster(string directory, int count) => (_directory, _replicas) = (directory, new StandaloneServerProcess?[count]);

    private string BuildLog => Path.Combine(_directory, "probe-builds.log");

    private string PackageSet => Path.Combine(_directory, "packages");

    /// <summary>
    /// Starts <paramref name="count"/> replicas on the store that <paramref name="storage"/> configures (environment
    /// variables), coordinated by the Redis at <paramref name="redis"/> (none: each on its own) with locks that lapse
    /// after <paramref name="lockExpiry"/>.
    /// </summary>
    public static async Task<ReplicaCluster> StartAsync(int count, IReadOnlyDictionary<string, string> storage, string? redis, TimeSpan lockExpiry)
    {
        var cluster = new ReplicaCluster(Directory.CreateTempSubdirectory("nixery-cluster-").FullName, count);
        try
        {
            cluster._nix = new NixCallLog(cluster._directory);
            cluster.WritePackageSet();
            var environment = cluster._environment = new Dictionary<string, string>(storage)
            {
                ["NIXERY_PKGS_PATH"] = cluster.PackageSet,
                ["Nixery__Redis__LockExpiry"] = lockExpiry.ToString("c"),
                ["Nixery__Nix__NixBinDirectory"] = cluster._nix.BinDirectory,
                ["Nixery__Nix__ExtraArguments__0"] = "--option",
                ["Nixery__Nix__ExtraArguments__1"] = "substitute",
                ["Nixery__Nix__ExtraArguments__2"] = "false",
                ["Logging__LogLevel__Default"] = "Information",
            };
            if (redis is not null) environment["NIXERY_REDIS"] = redis;
            await Task.WhenAll(Enumerable.Range(0, count).Select(async replica =>
            {
                var own = new Dictionary<string, string>(environment)
                {
                    ["NIXERY_TEST_REPLICA"] = replica.ToString(),
                    ["Nixery__Nix__StateDirectory"] = Path.Combine(cluster._directory, $"nix-{replica}"),
                };
                cluster._replicas[replica] = await StandaloneServerProcess.StartAsync(RepositoryRoot.Path, own);
            }));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public int Count => _replicas.Length;

    /// <summary>The replica's address, e.g. <c>127.0.0.1:40123</c>, as image references name it.</summary>
    public string HostOf(int replica) => _replicas[replica]!.Address.Authority;

    /// <summary>Everything a replica logged so far.</summary>
    public string OutputOf(int replica) => _replicas[replica]?.Output ?? "";

    /// <summary>
    /// A package no image has had yet, whose build takes <paramref name="buildTime"/>; returns its name. The package set
    /// is not pinned, so the replicas read it anew at every build and find the probe.
    /// </summary>
    public string AddProbe(TimeSpan buildTime)
    {
        var name = $"probe-{Guid.NewGuid():N}"[..18];
        lock (_probes)
        {
            _probes[name] = (int)Math.Ceiling(buildTime.TotalSeconds);
            File.WriteAllText(Path.Combine(PackageSet, "probes.json"), JsonSerializer.Serialize(_probes));
        }
        return name;
    }

    /// <summary>The replicas that evaluated an image with <paramref name="probe"/>, once per evaluation: one per image build that reached Nix.</summary>
    public IReadOnlyList<int> EvaluationsOf(string probe) =>
        [.. _nix.Calls().Where(call => call.Command == "nix-instantiate" && call.Arguments.Contains(probe, StringComparison.Ordinal))
            .Select(call => int.Parse(call.Tag))];

    /// <summary>How many times Nix really built <paramref name="probe"/>'s derivation (not found in the store).</summary>
    public int RealisationsOf(string probe) => Lines(BuildLog).Count(line => line == probe);

    /// <summary>Kills a replica and its Nix calls with SIGKILL.</summary>
    public Task KillAsync(int replica) => _replicas[replica]!.KillAsync();

    /// <summary>Pulls <paramref name="image"/> from <paramref name="replica"/> with skopeo into a directory of its own.</summary>
    public async Task<(int ExitCode, string Error)> PullAsync(int replica, string image)
    {
        var destination = Directory.CreateDirectory(Path.Combine(_directory, "pulls", Guid.NewGuid().ToString("N"))).FullName;
        var (exitCode, _, error) = await ExternalTool.RunAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{HostOf(replica)}/{image}", $"dir:{destination}");
        return (exitCode, error);
    }

    /// <summary>Runs <c>nixery</c> (e.g. <c>gc --apply</c>) with the replicas' settings; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunNixeryAsync(params string[] arguments) =>
        await ExternalTool.RunAsync(_environment, "dotnet", [StandaloneServerProcess.ProgramIn(RepositoryRoot.Path), .. arguments]);

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    // The demo set, and a derivation per entry of probes.json that logs its build, sleeps and writes its name.
    private void WritePackageSet()
    {
        Directory.CreateDirectory(PackageSet);
        // Nix builds as a user of its build group: it must reach the log through the (private) temp directory.
        File.SetUnixFileMode(_directory, File.GetUnixFileMode(_directory) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.WriteAllText(BuildLog, "");
        File.SetUnixFileMode(BuildLog, File.GetUnixFileMode(BuildLog) | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        File.WriteAllText(Path.Combine(PackageSet, "probes.json"), "{}");
        File.WriteAllText(Path.Combine(PackageSet, "default.nix"), $$"""
            { system ? builtins.currentSystem, ... }@args:
            let
              probe = name: seconds: derivation {
                inherit name system;
                builder = "/bin/sh";
                args = [ "-c" "echo ${name} >> '{{BuildLog}}'; sleep ${toString seconds}; mkdir -p $out; echo ${name} > $out/probe" ];
                PATH = "/usr/bin:/bin";
              };
            in import {{RepositoryRoot.DemoPackages}} args // builtins.mapAttrs probe (builtins.fromJSON (builtins.readFile ./probes.json))

            """);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
            if (replica is not null) await replica.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }
}
