using Nixery.Testing;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

/// <summary>The blob endpoint with a storage backend that implements <see cref="IStorageRedirects"/> (as the GCS backend does).</summary>
public sealed class BlobRedirectTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"nixery-redirect-tests-{Guid.NewGuid():N}");
    private WebApplication? _app;
    private HttpClient _client = null!;
    private IBlobStore _store = null!;
    private RedirectingStorage _storage = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddNixery().UsePathPackageSource(_directory).UseStorage<RedirectingStorage>();
        builder.Services.AddSingleton<IOptions<FileSystemStorageOptions>>(Options.Create(new FileSystemStorageOptions { Path = _directory, FlushToDisk = false }));
        _app = builder.Build();
        _app.MapNixery();
        await _app.StartAsync();
        _store = _app.Services.GetRequiredService<IBlobStore>();
        _storage = _app.Services.GetRequiredService<RedirectingStorage>();
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = LoopbackServer.AddressOf(_app) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Get_of_a_stored_blob_answers_307_with_the_stores_location_and_the_digest()
    {
        var blob = await _store.PutAsync("layer bytes"u8.ToArray());
        using var response = await _client.GetAsync($"/v2/hello/blobs/{blob.Digest}");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri($"https://objects.example/GET/blobs/sha256/{blob.Digest.Hex}"), response.Headers.Location);
        Assert.Equal(blob.Digest.ToString(), Header(response, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task Head_of_a_stored_blob_is_redirected_to_a_location_made_for_head()
    {
        var blob = await _store.PutAsync("config bytes"u8.ToArray());
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/hello/blobs/{blob.Digest}"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri($"https://objects.example/HEAD/blobs/sha256/{blob.Digest.Hex}"), response.Headers.Location);
        Assert.Equal(blob.Digest.ToString(), Header(response, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task Unknown_blob_answers_404_blob_unknown_instead_of_a_redirect()
    {
        var digest = Digest.Of("never stored"u8);
        using var response = await _client.GetAsync($"/v2/hello/blobs/{digest}");
        await AssertErrorAsync(response, 404, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task A_store_that_declines_to_redirect_has_the_blob_streamed_through_the_registry()
    {
        var content = "streamed bytes"u8.ToArray();
        var blob = await _store.PutAsync(content);
        _storage.Decline = true;
        using var response = await _client.GetAsync($"/v2/hello/blobs/{blob.Digest}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(blob.Digest.ToString(), Header(response, "Docker-Content-Digest"));
    }

    /// <summary>The file-system backend plus redirects to a made-up object store, with the method in the URL.</summary>
    public sealed class RedirectingStorage(IOptions<FileSystemStorageOptions> options) : IStorageBackend, IStorageRedirects
    {
        private readonly FileSystemStorage _inner = new(options, NullLogger<FileSystemStorage>.Instance);

        public bool Decline { get; set; }

        public Task<Uri?> GetRedirectAsync(string key, HttpMethod method, CancellationToken cancellationToken) =>
            Task.FromResult(Decline ? null : new Uri($"https://objects.example/{method.Method}/{key}"));

        public Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken) =>
            _inner.OpenReadAsync(key, offset, cancellationToken);

        public Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken) => _inner.BeginUploadAsync(cancellationToken);

        public Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken) =>
            _inner.PutAsync(key, content, replace, cancellationToken);
    }
}
