using BenchmarkDotNet.Running;
using Nixery.Benchmarks.Packing;

// `-- probe [level] [chunkKiB]` packs the input once and prints size and throughput, for tuning PackingOptions;
// anything else goes to BenchmarkDotNet, e.g. `-- --filter '*Packing*'`.
if (args.Length > 0 && args[0] == "probe")
{
    await PackingProbe.RunAsync(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
