using Nixery.Core.Nix;

namespace Nixery.Core.Tests.Nix;

public class NixErrorTextTests
{
    [Fact]
    public void Evaluation_errors_keep_the_error_lines_and_drop_warnings_and_the_show_trace_hint()
    {
        const string stderr = """
            warning: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6)
            error: demo: this package is marked broken
                   at /demo/default.nix:3:5
            (use '--show-trace' to show detailed location information)
            """;

        var message = NixErrorText.Extract(stderr, includeLog: false);

        Assert.Equal("error: demo: this package is marked broken\n       at /demo/default.nix:3:5", message);
    }

    [Fact]
    public void Build_errors_add_the_builder_output_before_the_error_without_progress_lines()
    {
        const string stderr = """
            this derivation will be built:
              /nix/store/xxjq-failing-build-1.0.drv
            building '/nix/store/xxjq-failing-build-1.0.drv'...
            demo: failing-build always fails to build
            error: builder for '/nix/store/xxjq-failing-build-1.0.drv' failed with exit code 1
            """;

        var message = NixErrorText.Extract(stderr, includeLog: true);

        Assert.StartsWith("error: builder for '/nix/store/xxjq-failing-build-1.0.drv' failed with exit code 1", message);
        Assert.Contains("> demo: failing-build always fails to build", message);
        Assert.DoesNotContain("building '", message);
        Assert.DoesNotContain("will be built", message);
    }

    [Fact]
    public void Without_an_error_line_the_whole_text_is_kept()
    {
        Assert.Equal("fatal: something odd", NixErrorText.Extract("fatal: something odd\n", includeLog: false));
    }
}
