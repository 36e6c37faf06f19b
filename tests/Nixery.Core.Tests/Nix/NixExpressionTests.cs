using Nixery.Core.Nix;

namespace Nixery.Core.Tests.Nix;

public sealed class NixExpressionTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"nixery-expr-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_embedded_expression_is_written_under_the_state_directory()
    {
        var path = await NixExpression.EnsureWrittenAsync(_state, CancellationToken.None);

        Assert.Equal(Path.Combine(_state, "nix", "resolve.nix"), path);
        Assert.Contains("argsJson", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task An_unchanged_expression_is_not_rewritten()
    {
        var path = await NixExpression.EnsureWrittenAsync(_state, CancellationToken.None);
        var stamp = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        await NixExpression.EnsureWrittenAsync(_state, CancellationToken.None);

        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public async Task A_changed_expression_is_replaced()
    {
        var path = await NixExpression.EnsureWrittenAsync(_state, CancellationToken.None);
        var original = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(path, "{ argsJson }: throw \"stale\"");

        await NixExpression.EnsureWrittenAsync(_state, CancellationToken.None);

        Assert.Equal(original, await File.ReadAllTextAsync(path));
    }

    public void Dispose()
    {
        if (Directory.Exists(_state)) Directory.Delete(_state, recursive: true);
    }
}
