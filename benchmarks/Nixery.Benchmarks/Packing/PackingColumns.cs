using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Nixery.Benchmarks.Packing;

/// <summary>Throughput, compressed size and the two ratios the packing target is stated in.</summary>
public sealed class PackingColumns : IColumn
{
    private readonly string _name;
    private readonly Func<Summary, BenchmarkCase, string> _value;

    private PackingColumns(string name, Func<Summary, BenchmarkCase, string> value)
    {
        _name = name;
        _value = value;
    }

    public sealed class Config : ManualConfig
    {
        public Config()
        {
            var contentBytes = new Lazy<long>(PackingInput.ContentBytes);
            AddColumn(
                new PackingColumns("MB/s", (s, b) => Mean(s, b) is { } mean ? (contentBytes.Value / 1e6 / mean).ToString("F1", CultureInfo.InvariantCulture) : "?"),
                new PackingColumns("Compressed MB", (s, b) => Size(b) is { } size ? (size / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "?"),
                new PackingColumns("Speed vs pigz", (s, b) => Mean(s, b) is { } mean && Mean(s, Find(s, nameof(PackingBenchmarks.TarPigz))) is { } pigz
                    ? (pigz / mean).ToString("F2", CultureInfo.InvariantCulture) + "x" : "?"),
                new PackingColumns("Size vs gzip -6", (s, b) => Size(b) is { } size && PackingInput.CompressedSize(nameof(PackingBenchmarks.TarGzip)) is { } gzip
                    ? ((size / (double)gzip - 1) * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + " %" : "?"));
        }
    }

    private static BenchmarkCase? Find(Summary summary, string method) =>
        summary.BenchmarksCases.FirstOrDefault(b => b.Descriptor.WorkloadMethod.Name == method);

    /// <summary>Mean seconds of a case, when it ran.</summary>
    private static double? Mean(Summary summary, BenchmarkCase? benchmark) =>
        benchmark is not null && summary[benchmark]?.ResultStatistics is { } statistics ? statistics.Mean / 1e9 : null;

    private static long? Size(BenchmarkCase benchmark) => PackingInput.CompressedSize(benchmark.Descriptor.WorkloadMethod.Name);

    public string Id => nameof(PackingColumns) + "." + _name;
    public string ColumnName => _name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => _name switch
    {
        "MB/s" => "Megabytes of file content packed per second (mean)",
        "Compressed MB" => "Size of the compressed output",
        "Speed vs pigz" => "Throughput relative to tar | pigz -p2 -6",
        _ => "Compressed size relative to tar | gzip -6",
    };

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => _value(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public override string ToString() => ColumnName;
}
