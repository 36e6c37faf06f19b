using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nixery.AspNetCore.Registry;
using Nixery.Core;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nixery.Server;

/// <summary>
/// Health probes and telemetry as operators of an ASP.NET Core service expect them: <c>/healthz</c> (liveness),
/// <c>/readyz</c> (readiness: Nix, storage, free disk; the build coordinator reported, degraded when it is down), Prometheus text at <c>/metrics</c>, and OTLP export of metrics
/// and traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class ServerObservability
{
    /// <summary>The tag of the checks that <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Adds the health checks and OpenTelemetry with the engine's and the registry's meters.</summary>
    public static IServiceCollection AddServerObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var shutdown = services.AddOptions<ServerShutdownOptions>().Bind(configuration.GetSection("Nixery:Shutdown"));
        shutdown.Validate(o => o.DrainDelay >= TimeSpan.Zero, "Nixery:Shutdown:DrainDelay must not be negative");
        shutdown.Validate(o => o.Timeout > TimeSpan.Zero, "Nixery:Shutdown:Timeout must be positive");
        shutdown.ValidateOnStart();
        services.AddSingleton<ShutdownDrain>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ShutdownDrain>());
        // The host's shutdown timeout covers the drain and then the requests in flight.
        services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<ServerShutdownOptions>>(
            (host, server) => host.ShutdownTimeout = server.Value.DrainDelay + server.Value.Timeout);
        services.AddHealthChecks().AddNixeryChecks(ReadyTag).AddCheck<ShutdownDrain>("stopping", HealthStatus.Unhealthy, [ReadyTag]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("nixery"))
            .WithMetrics(metrics => metrics
                .AddMeter(NixeryDiagnostics.Name, RegistryDiagnostics.Name)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            // Traces cost only when someone collects them.
            telemetry.WithTracing(tracing => tracing.AddSource(NixeryDiagnostics.Name).AddAspNetCoreInstrumentation());
            telemetry.UseOtlpExporter();
        }
        return services;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapServerProbes(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Liveness says only that the process answers: a full disk or a storage outage must not get it restarted.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    // Each check's status and what it found, so that a failing probe says why.
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new Dictionary<string, object?> { ["status"] = entry.Value.Status.ToString(), ["description"] = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
