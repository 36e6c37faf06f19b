// The tests share the machine's Nix store, podman storage and the engine's process-wide metrics;
// running them one at a time keeps their counts and timings their own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The tests run Nix, podman and GNU tools, and read Unix file modes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
