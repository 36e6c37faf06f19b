using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Storage.Azure.Tests.Support;

namespace Nixery.Storage.Azure.Tests.Startup;

/// <summary>The start-up check and the settings' validation, against Azurite: each wrong setting is named.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StartupCheckTests(Azurite azurite)
{
    [Fact]
    public async Task A_working_container_passes()
    {
        await Stores.Storage(azurite, await azurite.CreateContainerAsync()).CheckNowAsync();
    }

    [Fact]
    public async Task A_missing_container_is_named()
    {
        var error = await Assert.ThrowsAsync<AzureStartupException>(() => Stores.Storage(azurite, "no-such-container").CheckNowAsync());
        Assert.Equal(AzureStartupProblem.ContainerNotFound, error.Problem);
        Assert.Contains("'no-such-container'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_CONTAINER", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_account_key_is_refused_and_named()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var storage = new AzureBlobStorage(Stores.Options(azurite.ConnectionString(key: wrongKey), await azurite.CreateContainerAsync()), null, NullLogger<AzureBlobStorage>.Instance);
        var error = await Assert.ThrowsAsync<AzureStartupException>(() => storage.CheckNowAsync());
        Assert.Equal(AzureStartupProblem.Credentials, error.Problem);
        Assert.Contains("did not accept the connection string's key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_url_with_a_shared_key_works_and_signs_sas_with_it()
    {
        var name = await azurite.CreateContainerAsync();
        var storage = new AzureBlobStorage(new AzureBlobStorageOptions { AccountUrl = azurite.AccountUrl, AccountKey = Azurite.AccountKey, ContainerName = name },
            null, NullLogger<AzureBlobStorage>.Instance);
        await storage.CheckNowAsync();
        await storage.PutAsync("records/r", "x"u8.ToArray(), replace: true, CancellationToken.None);
        var url = await storage.GetRedirectAsync("records/r", HttpMethod.Get, CancellationToken.None);
        using var http = new HttpClient();
        Assert.Equal("x", await http.GetStringAsync(url));
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_named()
    {
        var storage = new AzureBlobStorage(Stores.Options(azurite.ConnectionString(new Uri("http://127.0.0.1:9/")), "c-unreachable", o => o.MaxRetries = 0),
            null, NullLogger<AzureBlobStorage>.Instance);
        var error = await Assert.ThrowsAsync<AzureStartupException>(() => storage.CheckNowAsync());
        Assert.Equal(AzureStartupProblem.Unreachable, error.Problem);
        Assert.Contains("127.0.0.1:9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standalone_server_does_not_start_on_a_missing_container_and_names_it()
    {
        var failure = await Assert.ThrowsAsync<AzureStartupException>(async () =>
        {
            await using var registry = await EndToEnd.AzureRegistry.StartAsync(azurite.ConnectionString(), "no-such-container-for-the-server");
        });
        Assert.Equal(AzureStartupProblem.ContainerNotFound, failure.Problem);
        Assert.Contains("container 'no-such-container-for-the-server'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_CONTAINER", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureStorage:ContainerName=", "AzureStorage:ContainerName is required")]
    [InlineData("AzureStorage:ContainerName=Bad_Name", "AzureStorage:ContainerName 'Bad_Name' is not a container name")]
    [InlineData("AzureStorage:SasExpiry=8.00:00:00", "AzureStorage:SasExpiry must be more than zero and at most 7 days")]
    [InlineData("AzureStorage:BlockSize=100", "AzureStorage:BlockSize must be between 64 KiB")]
    [InlineData("AzureStorage:ConnectionString=nonsense", "AzureStorage:ConnectionString cannot be read by the SDK")]
    [InlineData("AzureStorage:AccountKey=not-base64!", "AzureStorage:AccountKey goes with AccountUrl or AccountName")]
    public async Task A_wrong_setting_stops_the_host_naming_it(string setting, string expected)
    {
        var (key, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["AzureStorage:ConnectionString"] = azurite.ConnectionString();
        builder.Configuration["AzureStorage:ContainerName"] = "some-container";
        builder.Configuration["AzureStorage:CheckOnStart"] = "false";
        builder.Configuration[key] = value;
        builder.Services.AddNixery().UsePathPackageSource(Path.GetTempPath()).UseAzureBlobStorage(builder.Configuration.GetSection("AzureStorage"));
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
