# A tiny package set with nixpkgs' shape, built offline from Debian's static busybox.
# Used by the integration tests and the samples; see README.md next to this file.
{ system ? builtins.currentSystem, ... }:
let
  # Every package is a plain derivation whose builder is the host's /bin/sh (the sandbox is off),
  # so nothing from nixpkgs is needed. Output content mentions dependencies' store paths,
  # which is what makes them runtime references.
  mkPackage = { pname, version, script, name ? "${pname}-${version}" }:
    derivation {
      inherit name system;
      builder = "/bin/sh";
      args = [ "-c" ("set -e\n" + script) ];
      PATH = "/usr/bin:/bin";
    };

  # Writes an executable script $out/bin/<name> that runs under the busybox shell.
  writeScript = name: body: ''
    mkdir -p $out/bin
    cat > $out/bin/${name} <<'NIXERY_DEMO_EOF'
    #!${busybox}/bin/sh
    ${body}
    NIXERY_DEMO_EOF
    chmod 0555 $out/bin/${name}
  '';

  # Symlinks applets of the shared busybox into $out/bin.
  linkApplets = applets: ''
    mkdir -p $out/bin
    for applet in ${builtins.concatStringsSep " " applets}; do
      ln -s ${busybox}/bin/busybox $out/bin/$applet
    done
  '';

  # The static busybox of the package set's system: Debian's busybox-static for amd64, and for aarch64-linux its arm64
  # build, which scripts/install-dependencies unpacks here (Nix builds it with extra-platforms, qemu runs it).
  busyboxBinary = {
    x86_64-linux = "/bin/busybox";
    aarch64-linux = "/usr/local/lib/nixery-demo/aarch64-linux/busybox";
  }.${system} or (throw "demo: no busybox for ${system}");

  # Kept in a file so git tests can change it on a branch.
  helloMessage = builtins.replaceStrings [ "\n" ] [ "" ] (builtins.readFile ./hello-message.txt);

  busybox = mkPackage {
    pname = "busybox";
    version = "1.35.0";
    script = ''
      mkdir -p $out/bin
      cp ${busyboxBinary} $out/bin/busybox
      chmod 0555 $out/bin/busybox
      ln -s busybox $out/bin/sh
    '';
  };

  # A shared dependency with no executables, so images overlap beyond busybox.
  libdemo = mkPackage {
    pname = "libdemo";
    version = "1.0.0";
    script = ''
      mkdir -p $out/lib $out/share/libdemo
      echo "libdemo shared data" > $out/lib/libdemo.txt
      i=0
      while [ $i -lt 256 ]; do echo "libdemo line $i" >> $out/share/libdemo/data.txt; i=$((i+1)); done
    '';
  };

  mkTool = { pname, version, bin, body, extra ? "" }: mkPackage {
    inherit pname version;
    script = writeScript bin body + ''
      mkdir -p $out/share/${pname}
      echo "${libdemo}/lib/libdemo.txt" > $out/share/${pname}/uses
    '' + extra;
  };
  # A module's content depends only on the release that last changed it (changed: module name -> release).
  mkRuntime = version: changed: mkPackage {
    pname = "demo-runtime";
    inherit version;
    script = writeScript "demo-runtime" ''echo "demo-runtime ${version}"'' + ''
      mkdir -p $out/lib/demo-runtime
      for module in mod1 mod2 mod3 mod4 mod5 mod6 mod7 mod8; do
        case $module in
          ${builtins.concatStringsSep "\n          " (map (m: "${m}) release=${changed.${m}} ;;") (builtins.attrNames changed))}
          *) release=1.0 ;;
        esac
        { echo "$module-$release"; cat /bin/busybox; } > seed
        shuf -i 1-150000 --random-source=seed > $out/lib/demo-runtime/$module.txt
      done
      rm seed
    '';
  };
in
# Only amd64 has it: a name with it finds no package for arm64 (for the per-platform not-found error).
(if system == "x86_64-linux" then {
  amd64-only = mkTool { pname = "amd64-only"; version = "1.0"; bin = "amd64-only"; body = ''echo "amd64 only"''; };
} else { }) // {
  inherit busybox libdemo;

  hello = mkTool {
    pname = "hello";
    version = "2.12.1";
    bin = "hello";
    body = ''echo "${helloMessage}"'';
  };

  bashInteractive = mkPackage {
    pname = "bash-interactive";
    version = "5.2-p15";
    script = writeScript "bash" ''exec ${busybox}/bin/sh "$@"'' + ''
      ln -s bash $out/bin/sh
    '';
  };

  coreutils = mkPackage {
    pname = "coreutils";
    version = "9.1";
    script = linkApplets [
      "basename" "cat" "chmod" "cp" "cut" "date" "dirname" "du" "echo" "env" "false" "head" "id"
      "ln" "ls" "mkdir" "mktemp" "mv" "printf" "pwd" "readlink" "rm" "sleep" "sort" "stat" "tail"
      "tee" "test" "touch" "tr" "true" "uname" "uniq" "wc" "whoami"
    ];
  };

  moreutils = mkPackage {
    pname = "moreutils";
    version = "0.67";
    script = writeScript "sponge" ''
      # Soak up standard input, then write it to the file (or standard output).
      tmp=$(${busybox}/bin/busybox mktemp)
      ${busybox}/bin/busybox cat > "$tmp"
      if [ $# -gt 0 ]; then ${busybox}/bin/busybox cat "$tmp" > "$1"; else ${busybox}/bin/busybox cat "$tmp"; fi
      ${busybox}/bin/busybox rm -f "$tmp"
    '' + writeScript "ts" ''
      # Prefix each line of standard input with a timestamp.
      while IFS= read -r line; do echo "$(${busybox}/bin/busybox date '+%b %d %H:%M:%S') $line"; done
    '';
  };

  nano = mkPackage {
    pname = "nano";
    version = "7.2";
    script = writeScript "nano" ''exec ${busybox}/bin/busybox vi "$@"'';
  };

  cacert = mkPackage {
    pname = "nss-cacert";
    version = "3.92";
    script = ''
      mkdir -p $out/etc/ssl/certs
      {
        echo "-----BEGIN CERTIFICATE-----"
        echo "TklYRVJZIERFTU8gQ0VSVElGSUNBVEUgLSBOT1QgQSBSRUFMIENFUlRJRklDQVRF"
        echo "-----END CERTIFICATE-----"
      } > $out/etc/ssl/certs/ca-bundle.crt
    '';
  };

  iana-etc = mkPackage {
    pname = "iana-etc";
    version = "20230316";
    script = ''
      mkdir -p $out/etc
      printf 'ftp\t\t21/tcp\nssh\t\t22/tcp\nhttp\t\t80/tcp\nhttps\t\t443/tcp\n' > $out/etc/services
      printf 'ip\t0\tIP\nicmp\t1\tICMP\ntcp\t6\tTCP\nudp\t17\tUDP\n' > $out/etc/protocols
    '';
  };

  git = mkTool { pname = "git"; version = "2.42.0"; bin = "git"; body = ''echo "git version 2.42.0"''; };
  htop = mkTool { pname = "htop"; version = "3.2.2"; bin = "htop"; body = ''echo "htop 3.2.2 (demo)"''; };

  # Upper-case attribute name, as nixpkgs has (SDL2, ImageMagick, ...).
  SDL2 = mkPackage {
    pname = "SDL2";
    version = "2.28.5";
    script = ''
      mkdir -p $out/lib
      echo "SDL2 demo library, needs ${libdemo}/lib/libdemo.txt" > $out/lib/libSDL2.txt
    '';
  };

  # nixpkgs stores names starting with a digit with a leading underscore.
  _1password = mkTool { pname = "1password"; version = "8.10.0"; bin = "op"; body = ''echo "1password 8.10.0 (demo)"''; };

  # Nested sets, like python3Packages.requests.
  demoPackages = {
    recurseForDerivations = true;
    tool = mkTool { pname = "demo-tool"; version = "0.1.0"; bin = "demo-tool"; body = ''echo "demo tool"''; };
  };
  python3Packages = {
    recurseForDerivations = true;
    requests = mkTool { pname = "python3.11-requests"; version = "2.31.0"; bin = "requests"; body = ''echo "requests 2.31.0 (demo)"''; };
  };

  # Patch releases of a runtime: eight modules of about 1 MB each (deterministic text from shuf), most of them the same
  # from one release to the next, as real point releases are. Different store paths, so layers differ, while most
  # files do not: what file-level partial pulls save.
  demoRuntime_1_0 = mkRuntime "1.0" { };
  demoRuntime_1_1 = mkRuntime "1.1" { mod8 = "1.1"; };
  demoRuntime_1_2 = mkRuntime "1.2" { mod7 = "1.2"; mod8 = "1.2"; };

  # Fails to evaluate: must surface as an evaluation error, not as "not found".
  broken = throw "demo: this package is marked broken";

  # Evaluates, but its builder fails.
  failing-build = mkPackage {
    pname = "failing-build";
    version = "1.0";
    script = ''
      echo "demo: failing-build always fails to build" >&2
      exit 1
    '';
  };

  # Sleeps, then fails: never cached, so it reliably outlasts a short timeout.
  slow-build = mkPackage {
    pname = "slow-build";
    version = "1.0";
    script = ''
      echo "demo: slow-build sleeps for a minute" >&2
      sleep 60
      exit 1
    '';
  };
}
