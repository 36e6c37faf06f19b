# The demo package set as a flake, for the flake package source (Nixery:PackageSource:Flake). No inputs, so it
# evaluates and builds offline. See README.md next to this file.
{
  description = "Nixery for .NET demo package set";

  outputs = { self }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forSystems = f: builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);
      demo = system: import ./default.nix { inherit system; };
    in
    {
      # Everything of the demo set, looked up as in default.nix (nested sets, upper case, leading digit).
      legacyPackages = forSystems demo;

      # Shadows legacyPackages' hello with a greeting of its own: packages.<system> is looked in first.
      packages = forSystems (system:
        let busybox = (demo system).busybox;
        in {
          hello = derivation {
            name = "hello-flake-2.12.1";
            inherit system;
            builder = "/bin/sh";
            args = [ "-c" ''
              set -e
              mkdir -p $out/bin
              printf '#!%s/bin/sh\necho "Hello from the flake!"\n' ${busybox} > $out/bin/hello
              chmod 0555 $out/bin/hello
            '' ];
            PATH = "/usr/bin:/bin";
          };
        });
    };
}
