#!/usr/bin/env python3
"""Checks packed NuGet packages (.nupkg are zip files) for what the repository promises about them.

  python3 .ci/check-packages.py sdk  FEED ID...   every SDK package ID.<version>.nupkg in FEED: its own description,
                                                    licence expression, readme (in the package), repository, tags, a
                                                    .snupkg beside it holding the PDB, the assembly and its XML docs
  python3 .ci/check-packages.py tool FEED ROOT    the `instruments` tool package: a DotnetTool with the command
                                                    'instruments', the same metadata, and every built-in plugin of
                                                    ROOT/plugins inside (plugin.yaml, instruments, protocols, tables,
                                                    the compiled plugin's assembly named by its manifest)

Prints one line per package checked; exits 1 with every problem listed when anything is missing.
Called by samples/embedding/run.sh (sdk) and hosts/Instruments.Cli/pack-tool.sh (tool).
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

problems = []


def problem(text):
    problems.append(text)


def single(feed, package_id, extension):
    # ID.<version>.nupkg, not ID.Other.<version>.nupkg: the version starts with a digit.
    found = [p for p in glob.glob(os.path.join(feed, f"{package_id}.*.{extension}"))
             if re.fullmatch(re.escape(package_id) + r"\.\d[^/]*\." + extension, os.path.basename(p))]
    if len(found) != 1:
        problem(f"{package_id}: expected one {package_id}.<version>.{extension} in {feed}, found {len(found)}")
        return None
    return found[0]


def nuspec(package, package_id):
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        spec = [n for n in names if n.endswith(".nuspec") and "/" not in n]
        if len(spec) != 1:
            problem(f"{package_id}: no .nuspec at the root of {os.path.basename(package)}")
            return None, names
        root = ET.fromstring(z.read(spec[0]))
    # The nuspec namespace changes between NuGet versions: match on local names.
    metadata = next((e for e in root if e.tag.split("}")[-1] == "metadata"), None)
    return metadata, names


def child(metadata, name):
    return next((e for e in metadata if e.tag.split("}")[-1] == name), None)


def check_metadata(package, package_id):
    metadata, names = nuspec(package, package_id)
    if metadata is None:
        return names
    def text(name):
        e = child(metadata, name)
        return (e.text or "").strip() if e is not None else ""
    if text("id") != package_id:
        problem(f"{package_id}: the nuspec id is '{text('id')}'")
    description = text("description")
    if not description or description == "Package Description":
        problem(f"{package_id}: no description of its own ('{description}')")
    licence = child(metadata, "license")
    if licence is None or licence.get("type") != "expression" or not (licence.text or "").strip():
        problem(f"{package_id}: no licence expression")
    readme = text("readme")
    if not readme:
        problem(f"{package_id}: no readme")
    elif readme not in names:
        problem(f"{package_id}: the readme '{readme}' is not in the package")
    repository = child(metadata, "repository")
    if repository is None or not repository.get("url") or repository.get("type") != "git":
        problem(f"{package_id}: no repository (url and type git)")
    if not text("tags"):
        problem(f"{package_id}: no tags")
    if not text("authors"):
        problem(f"{package_id}: no authors")
    return names


def check_sdk(feed, ids):
    for package_id in ids:
        before = len(problems)
        package = single(feed, package_id, "nupkg")
        if package is None:
            continue
        names = check_metadata(package, package_id)
        for expected in (f"lib/net10.0/{package_id}.dll", f"lib/net10.0/{package_id}.xml"):
            if expected not in names:
                problem(f"{package_id}: {expected} is not in the package")
        symbols = single(feed, package_id, "snupkg")
        if symbols is not None:
            with zipfile.ZipFile(symbols) as z:
                if f"lib/net10.0/{package_id}.pdb" not in z.namelist():
                    problem(f"{package_id}: lib/net10.0/{package_id}.pdb is not in {os.path.basename(symbols)}")
        if len(problems) == before:
            print(f"packages: {os.path.basename(package)}: description, licence, readme, repository, tags; symbols in the .snupkg")


def check_tool(feed, repo_root):
    package_id = "instruments"
    package = single(feed, package_id, "nupkg")
    if package is None:
        return
    names = check_metadata(package, package_id)
    metadata, _ = nuspec(package, package_id)
    types = child(metadata, "packageTypes") if metadata is not None else None
    if types is None or not any(t.get("name") == "DotnetTool" for t in types):
        problem("instruments: the package type is not DotnetTool")
    tool_roots = sorted({n.split("/any/")[0] + "/any/" for n in names if n.startswith("tools/") and "/any/" in n})
    if len(tool_roots) != 1:
        problem(f"instruments: expected one tools/<tfm>/any/ folder, found {tool_roots}")
        return
    tool = tool_roots[0]
    with zipfile.ZipFile(package) as z:
        settings = z.read(tool + "DotnetToolSettings.xml").decode() if tool + "DotnetToolSettings.xml" in names else ""
    if 'Name="instruments"' not in settings or 'EntryPoint="instruments.dll"' not in settings:
        problem(f"instruments: {tool}DotnetToolSettings.xml does not name the command 'instruments' -> instruments.dll")
    # Every built-in plugin of the repository, file for file (what the host copies next to itself: plugins/**/*.yaml,
    # plugins/**/*.scriban, plugins/*/tables/**; the compiled plugin's assembly from its manifest).
    plugins_dir = os.path.join(repo_root, "plugins")
    expected = []
    manifests = sorted(glob.glob(os.path.join(plugins_dir, "*", "plugin.yaml")))
    if not manifests:
        problem(f"instruments: no plugins/*/plugin.yaml under {repo_root}")
    for pattern in ("**/*.yaml", "**/*.scriban", "*/tables/**/*"):
        for path in glob.glob(os.path.join(plugins_dir, pattern), recursive=True):
            relative = os.path.relpath(path, plugins_dir).replace(os.sep, "/")
            if os.path.isfile(path) and "/src/" not in "/" + relative and "/bin/" not in "/" + relative:
                expected.append("plugins/" + relative)
    assemblies = 0
    for manifest in manifests:
        plugin = os.path.basename(os.path.dirname(manifest))
        with open(manifest, encoding="utf-8") as f:
            match = re.search(r"^assembly:\s*['\"]?([^'\"\s#]+)", f.read(), re.MULTILINE)
        if match:
            assemblies += 1
            expected.append(f"plugins/{plugin}/{match.group(1)}")
    for path in sorted(set(expected)):
        if tool + path not in names:
            problem(f"instruments: {tool}{path} is not in the package (the built-in plugins must travel with the tool)")
    if assemblies == 0:
        problem("instruments: no built-in plugin names an assembly (the compiled norms plugin is expected)")
    if problems:
        return
    print(f"packages: {os.path.basename(package)}: DotnetTool 'instruments', description, licence, readme, repository, "
          f"tags; {len(manifests)} built-in plugins ({len(set(expected))} files, {assemblies} compiled) inside")


def main(argv):
    if len(argv) >= 3 and argv[0] == "sdk":
        check_sdk(argv[1], argv[2:])
    elif len(argv) == 3 and argv[0] == "tool":
        check_tool(argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(f"packages: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
