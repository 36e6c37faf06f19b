using Microsoft.Extensions.Options;

namespace Nixery.Core.Packing;

/// <summary>Checks <see cref="PackingOptions"/> at start; messages name the setting by its configuration key.</summary>
internal sealed class PackingOptionsValidator(string section) : IValidateOptions<PackingOptions>
{
    public ValidateOptionsResult Validate(string? name, PackingOptions options)
    {
        var failures = new List<string>();
        if (options.CompressionLevel is < 1 or > 9)
            failures.Add($"{section}:CompressionLevel must be between 1 and 9, not {options.CompressionLevel}");
        if (options.ChunkSize is < 64 * 1024 or > 64 * 1024 * 1024)
            failures.Add($"{section}:ChunkSize must be between 65536 and 67108864 bytes, not {options.ChunkSize}");
        if (!Enum.IsDefined(options.Format))
            failures.Add($"{section}:Format must be one of {string.Join(", ", Enum.GetNames<LayerFormat>())}, not {options.Format}");
        if (options.ZstdCompressionLevel is < 1 or > 19)
            failures.Add($"{section}:ZstdCompressionLevel must be between 1 and 19, not {options.ZstdCompressionLevel}");
        if (options.EstargzChunkSize is < 64 * 1024 or > 64 * 1024 * 1024)
            failures.Add($"{section}:EstargzChunkSize must be between 65536 and 67108864 bytes, not {options.EstargzChunkSize}");
        if (options.MaxParallelism is < 0 or > 256)
            failures.Add($"{section}:MaxParallelism must be between 0 (one per processor) and 256, not {options.MaxParallelism}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
