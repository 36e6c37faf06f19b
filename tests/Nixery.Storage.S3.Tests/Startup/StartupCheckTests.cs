using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Storage.S3.Tests.Support;

namespace Nixery.Storage.S3.Tests.Startup;

/// <summary>
/// A wrong setting stops the host's start naming the setting; a bucket that is missing, credentials the store does not
/// accept, and a user without permission on the bucket stop the start check, each named.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class StartupCheckTests(RadosGateway gateway)
{
    public static TheoryData<string, string> WrongSettings => new()
    {
        { "Bucket=", "S3Storage:Bucket is required" },
        { "Bucket=Upper_Case", "S3Storage:Bucket 'Upper_Case' is not a bucket name" },
        { "PartSize=1048576", "S3Storage:PartSize must be between 5 MiB" },
        { "MultipartThreshold=999999999", "S3Storage:MultipartThreshold must be between 0 and PartSize" },
        { "PresignedUrlExpiry=8.00:00:00", "S3Storage:PresignedUrlExpiry must be more than zero and at most 7 days" },
        { "SecretAccessKey=", "S3Storage:AccessKeyId and S3Storage:SecretAccessKey go together" },
        { "ServiceUrl=ftp://127.0.0.1/", "S3Storage:ServiceUrl must be an absolute http or https URL" },
        { "ListPageSize=0", "S3Storage:ListPageSize must be between 1 and 1000" },
    };

    [Theory]
    [MemberData(nameof(WrongSettings))]
    public async Task A_wrong_setting_stops_the_host_naming_it(string setting, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["S3:Bucket"] = "nixery-layers",
            ["S3:ServiceUrl"] = gateway.Endpoint.ToString(),
            ["S3:AccessKeyId"] = RadosGateway.AccessKey,
            ["S3:SecretAccessKey"] = RadosGateway.SecretKey,
            ["S3:" + name] = value,
        });
        builder.Services.AddNixery().UseS3Storage(builder.Configuration.GetSection("S3"));
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_bucket_is_named()
    {
        using var storage = Stores.Storage(gateway.Endpoint, "no-such-bucket-here");
        var failure = await Assert.ThrowsAsync<S3StartupException>(() => storage.CheckNowAsync());
        Assert.Equal(S3StartupProblem.BucketNotFound, failure.Problem);
        Assert.Contains("bucket 'no-such-bucket-here'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_is_named_as_credentials_the_store_did_not_accept()
    {
        using var storage = Stores.Storage(gateway.Endpoint, await gateway.CreateBucketAsync(), o => o.SecretAccessKey = "not-the-secret");
        var failure = await Assert.ThrowsAsync<S3StartupException>(() => storage.CheckNowAsync());
        Assert.Equal(S3StartupProblem.Credentials, failure.Problem);
        Assert.Contains("SignatureDoesNotMatch", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"access key {RadosGateway.AccessKey}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_permission_on_the_bucket_is_named_with_the_permission_to_grant()
    {
        var bucket = await gateway.CreateBucketAsync();
        await gateway.CreateUserAsync("stranger", "STRANGERACCESSKEY000", "stranger-secret");
        using var storage = Stores.Storage(gateway.Endpoint, bucket, o =>
        {
            o.AccessKeyId = "STRANGERACCESSKEY000";
            o.SecretAccessKey = "stranger-secret";
        });
        var failure = await Assert.ThrowsAsync<S3StartupException>(() => storage.CheckNowAsync());
        Assert.Equal(S3StartupProblem.PermissionDenied, failure.Problem);
        Assert.Contains("s3:ListBucket", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_is_named_unreachable()
    {
        using var storage = Stores.Storage(new Uri("http://127.0.0.1:9/"), "nixery-layers", o =>
        {
            o.MaxRetries = 0;
            o.RequestTimeout = TimeSpan.FromSeconds(5);
        });
        var failure = await Assert.ThrowsAsync<S3StartupException>(() => storage.CheckNowAsync());
        Assert.Equal(S3StartupProblem.Unreachable, failure.Problem);
        Assert.Contains("http://127.0.0.1:9/", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standalone_server_does_not_start_on_a_missing_bucket_and_names_it()
    {
        var failure = await Assert.ThrowsAsync<S3StartupException>(async () =>
        {
            await using var registry = await EndToEnd.S3Registry.StartAsync(gateway.Endpoint, "no-such-bucket-for-the-server");
        });
        Assert.Equal(S3StartupProblem.BucketNotFound, failure.Problem);
        Assert.Contains("bucket 'no-such-bucket-for-the-server'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("S3_BUCKET", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_keys_in_the_options_the_sdks_default_chain_finds_them_in_the_environment()
    {
        // The first step of the SDK's chain; the tests of this collection run one at a time, so the variables are ours.
        var bucket = await gateway.CreateBucketAsync();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", RadosGateway.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", RadosGateway.SecretKey);
        try
        {
            using var storage = Stores.Storage(gateway.Endpoint, bucket, o =>
            {
                o.AccessKeyId = null;
                o.SecretAccessKey = null;
            });
            await storage.CheckNowAsync();
            Assert.True(await storage.PutAsync("records/chain", "x"u8.ToArray(), replace: true, CancellationToken.None));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        }
    }

    [Fact]
    public async Task A_good_setup_passes_and_leaves_no_probe_behind()
    {
        var bucket = await gateway.CreateBucketAsync();
        using var storage = Stores.Storage(gateway.Endpoint, bucket);
        await storage.CheckNowAsync();
        Assert.Empty(await Stores.KeysAsync(gateway.Endpoint, bucket));
    }
}
