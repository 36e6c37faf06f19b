# Resolves requested package names in a package set to derivations, for Nixery for .NET.
#
# Called as: nix-instantiate --eval --strict --json --read-write-mode resolve.nix \
#              --arg packageSet '<Nix function>' --argstr argsJson '<json>'
# where the function is the package source's own (PackageSetReference.Expression): it takes
# { system, arguments } and returns the package set; and the JSON is
#   { "arguments": { ... strings for the function ... }, "system": "x86_64-linux",
#     "packages": [ "hello", "python3packages.requests" ] }.
# Returns { "notFound": [ names ], "packages": [ { name, drvPath, outputPath, outputName } ] };
# "packages" is empty when anything is missing, so nothing is instantiated in vain.
#
# Deliberately no builtins.tryEval: a missing attribute is found with hasAttr, and a package that
# throws must fail the evaluation with Nix's own message instead of looking "not found".
{ argsJson, packageSet }:
let
  args = builtins.fromJSON argsJson;
  pkgs = packageSet { inherit (args) system arguments; };

  # Nix has no builtins.toLower; this is what nixpkgs' lib.toLower does.
  upperChars = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  lowerChars = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
  toLower = builtins.replaceStrings upperChars lowerChars;

  # Exact name first; otherwise the first name that matches ignoring case (attrNames is sorted,
  # so the choice is stable). Registry names are lower case, attribute names often are not.
  lookup = set: name:
    if builtins.hasAttr name set then name
    else
      let matches = builtins.filter (n: toLower n == toLower name) (builtins.attrNames set);
      in if matches == [ ] then null else builtins.head matches;

  # nixpkgs stores names that start with a digit with a leading underscore (_1password).
  findAttr = set: name:
    let direct = lookup set name;
    in if direct != null then direct
       else if builtins.match "[0-9].*" name != null then lookup set ("_" + name)
       else null;

  # Dots reach into nested sets (python3Packages.requests). Returns null when a step is missing.
  resolvePath = value: parts:
    if parts == [ ] then value
    else if !(builtins.isAttrs value) then null
    else
      let name = findAttr value (builtins.head parts);
      in if name == null then null else resolvePath value.${name} (builtins.tail parts);

  isDerivation = value: builtins.isAttrs value && (value.type or null) == "derivation";

  resolved = map (name: {
    inherit name;
    value = resolvePath pkgs (builtins.filter builtins.isString (builtins.split "\\." name));
  }) args.packages;

  notFound = map (r: r.name) (builtins.filter (r: !(isDerivation r.value)) resolved);
in
{
  inherit notFound;
  packages =
    if notFound != [ ] then [ ]
    else map (r: {
      inherit (r) name;
      inherit (r.value) drvPath;
      # Not "outPath": toJSON would turn the whole attribute set into that string.
      outputPath = r.value.outPath;
      outputName = r.value.outputName or "out";
    }) resolved;
}
