using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Nixery.Abstractions.Sources;
using Nixery.Core;
using Nixery.Core.Building;

namespace Nixery.AspNetCore.IndexPage;

/// <summary>Writes the index page; every value from outside (host, source, image names, Nix output) is HTML-encoded.</summary>
internal sealed class IndexPageRenderer(IPackageSource source, BuildFailureLog failures, NixeryOptions options)
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
        h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
        pre { background: #f4f4f4; padding: .75rem; overflow-x: auto; border-radius: 4px; }
        code { background: #f4f4f4; padding: 0 .2rem; }
        table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
        .kind { font-weight: bold; } .none { color: #666; }
        """;

    public string Render(HostString requestHost)
    {
        var host = requestHost.HasValue ? requestHost.Value! : "localhost:8080";
        var html = HtmlEncoder.Default;
        string E(string value) => html.Encode(value);

        var page = new StringBuilder(4096);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nixery</title>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>").Append(Style).Append("</style></head><body>\n");
        page.Append("<h1>Nixery: container images built on demand with Nix</h1>\n");
        page.Append("<p>Every image name is a list of packages: <code>").Append(E(host)).Append("/shell/git/htop</code> holds ")
            .Append("<code>bash</code>, <code>coreutils</code>, <code>git</code> and <code>htop</code>. <code>shell</code> adds an interactive shell ")
            .Append("and core utilities; <code>arm64</code> builds for aarch64. The tag selects the revision of a git package set.</p>\n");

        page.Append("<h2>Pull from this host</h2>\n<p>podman (this server speaks plain HTTP, hence <code>--tls-verify=false</code>):</p><pre>")
            .Append(E($"podman pull --tls-verify=false {host}/shell/hello\npodman run --rm --tls-verify=false {host}/shell/hello hello")).Append("</pre>\n");
        page.Append("<p>docker: add the host to <code>insecure-registries</code> in <code>/etc/docker/daemon.json</code> and restart docker, then:</p><pre>")
            .Append(E($"{{ \"insecure-registries\": [\"{host}\"] }}\n\ndocker pull {host}/shell/hello\ndocker run --rm {host}/shell/hello hello")).Append("</pre>\n");
        page.Append("<p>skopeo:</p><pre>").Append(E($"skopeo inspect --tls-verify=false docker://{host}/shell/hello")).Append("</pre>\n");
        page.Append("<p>Kubernetes (the nodes' container runtime must treat the host as an insecure registry):</p><pre>")
            .Append(E($"""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: hello
                spec:
                  restartPolicy: Never
                  containers:
                    - name: hello
                      image: {host}/shell/hello:latest
                      command: ["hello"]
                """)).Append("</pre>\n");

        page.Append("<h2>Package source</h2>\n<p>").Append(E(source.Description)).Append("</p>\n");
        page.Append("<p>At most ").Append(options.MaxConcurrentBuilds.ToString(CultureInfo.InvariantCulture))
            .Append(" images are built at once, with ").Append(options.MaxQueuedBuilds.ToString(CultureInfo.InvariantCulture))
            .Append(" more waiting; beyond that a pull is answered <code>429 TOOMANYREQUESTS</code> with <code>Retry-After</code>.</p>\n");

        page.Append("<h2>Recent build failures</h2>\n");
        var recent = failures.Recent();
        if (recent.Count == 0)
        {
            page.Append("<p class=\"none\">None since this server started.</p>\n");
        }
        else
        {
            page.Append("<table><thead><tr><th>when (UTC)</th><th>image</th><th>what happened</th></tr></thead><tbody>\n");
            foreach (var failure in recent)
            {
                page.Append("<tr><td>").Append(E(failure.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)))
                    .Append("</td><td><code>").Append(E($"{failure.Image}:{failure.Tag}")).Append("</code></td><td><span class=\"kind\">")
                    .Append(E(failure.Kind)).Append("</span>: ").Append(E(failure.NixMessage is null ? failure.Message : FirstLine(failure.Message)));
                if (failure.NixMessage is { Length: > 0 } nix) page.Append("<pre>").Append(E(nix)).Append("</pre>");
                page.Append("</td></tr>\n");
            }
            page.Append("</tbody></table>\n");
        }
        page.Append("</body></html>\n");
        return page.ToString();
    }

    private static string FirstLine(string message)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? message : message[..colon];
    }
}
