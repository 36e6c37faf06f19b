using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Storage;

public sealed class FileSystemStorageOptionsValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private FileSystemStorageOptions Resolve(string? staleStagingAge)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(staleStagingAge is null ? [] : [new("Nixery:FileSystemStorage:StaleStagingAge", staleStagingAge)])
            .Build();
        var services = new ServiceCollection();
        services.AddNixery(configuration.GetSection("Nixery")).UseFileSystemStorage(_temp.Path);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<FileSystemStorageOptions>>().Value;
    }

    [Fact]
    public void The_stale_staging_age_is_one_hour_unless_configured() =>
        Assert.Equal(TimeSpan.FromHours(1), Resolve(null).StaleStagingAge);

    [Fact]
    public void A_configured_stale_staging_age_is_bound() =>
        Assert.Equal(TimeSpan.FromMinutes(90), Resolve("01:30:00").StaleStagingAge);

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    public void A_non_positive_stale_staging_age_fails_validation_naming_its_configuration_key(string age)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(age));

        Assert.Contains("Nixery:FileSystemStorage:StaleStagingAge must be positive", error.Message, StringComparison.Ordinal);
    }
}
