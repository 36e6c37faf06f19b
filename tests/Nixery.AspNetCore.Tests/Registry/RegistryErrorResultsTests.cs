using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nixery.AspNetCore.Registry;

namespace Nixery.AspNetCore.Tests.Registry;

public sealed class RegistryErrorResultsTests
{
    private static async Task<(HttpResponse Response, JsonElement Error)> ExecuteAsync(IResult result, string method = "GET")
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Request.Method = method;
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        if (body.Length == 0) return (context.Response, default);
        using var json = JsonDocument.Parse(body.ToArray());
        return (context.Response, json.RootElement.GetProperty("errors")[0].Clone());
    }

    [Fact]
    public async Task Unauthorized_is_a_401_in_the_registry_json_form_with_the_api_version_header()
    {
        var (response, error) = await ExecuteAsync(RegistryErrorResults.Unauthorized("log in first"));
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("registry/2.0", response.Headers["Docker-Distribution-API-Version"].ToString());
        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        Assert.Equal("log in first", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("detail").ValueKind);
    }

    [Fact]
    public async Task Denied_is_a_403_with_code_DENIED()
    {
        var (response, error) = await ExecuteAsync(RegistryErrorResults.Denied());
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("DENIED", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Any_code_can_be_answered_and_a_head_gets_no_body()
    {
        var (response, error) = await ExecuteAsync(RegistryErrorResults.Create(429, "TOOMANYREQUESTS", "slow down"), "HEAD");
        Assert.Equal(429, response.StatusCode);
        Assert.True(response.ContentLength > 0);
        Assert.Equal(JsonValueKind.Undefined, error.ValueKind);
    }

    [Fact]
    public void A_status_below_400_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RegistryErrorResults.Create(200, "UNKNOWN", "fine"));
    }
}
