#!/usr/bin/env python3
"""Check schemas/pixi-manifest.schema.json against the reference manifests.

What it does:
  1. Asserts the schema only uses the JSON Schema keywords our validator supports
     (see ALLOWED_KEYWORDS), that every `$ref` is a local `#/$defs/<Name>` that
     exists, and that every regex avoids look-around and back-references
     (the server uses the Rust `regex` crate).
  2. Validates, with `jsonschema.Draft202012Validator`:
       - <shared>/docs/reference/examples/valid/*.toml    -> must validate
       - <shared>/docs/reference/examples/invalid/*.toml  -> must be rejected
         (or, for the entries in EXPECTED_DEPRECATED, must hit a deprecated key:
          pixi accepts those with a warning, see the note below)
       - <shared>/corpus/*.toml with SOURCES.tsv column `expect`:
         `valid` -> must validate with no error; `error` -> reported only
         (pixi rejects them for reasons a schema may not see).
       - the small built-in cases in EXTRA_CASES (strictness checks).
     A `pyproject.toml` is checked by validating its `[tool.pixi]` table against
     `#/$defs/PyprojectToolPixi`.
  3. Prints a summary and exits 1 on any wrong verdict or schema problem.

Manifests are TOML 1.1 (e.g. multi-line inline tables with trailing commas).
`tomli` >= 2.3 parses TOML 1.1 (`pip install -U tomli`); without it we fall back
to `tomllib` (TOML 1.0) and report files it cannot read as "skipped: TOML 1.1".

Usage: python3 schemas/tools/check_schema.py [--shared DIR] [--schema FILE] [-v]
Needs: pip install jsonschema 'tomli>=2.3'
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from importlib.metadata import version as _pkg_version
from pathlib import Path

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend
except ImportError:  # pragma: no cover
    sys.exit("error: the `jsonschema` package is required (pip install jsonschema)")

TOML_PARSER = None
try:
    import tomli as _toml

    _ver = tuple(int(x) for x in re.findall(r"\d+", getattr(_toml, "__version__", "0"))[:2])
    if _ver >= (2, 3):
        TOML_PARSER = ("tomli " + _toml.__version__, _toml, True)
except ImportError:
    pass
if TOML_PARSER is None:
    import tomllib as _toml  # Python >= 3.11, TOML 1.0 only

    TOML_PARSER = ("tomllib (TOML 1.0 only)", _toml, False)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA = REPO / "schemas" / "pixi-manifest.schema.json"
DEFAULT_SHARED = Path("/work/shared")

ALLOWED_KEYWORDS = {
    # structure / validation
    "$schema", "$defs", "$ref", "type", "properties", "additionalProperties",
    "patternProperties", "propertyNames", "required", "items", "minItems", "maxItems",
    "uniqueItems", "enum", "const", "pattern", "minLength", "maxLength", "minimum",
    "maximum", "anyOf", "oneOf", "allOf", "not",
    # annotations
    "title", "description", "default", "examples", "deprecated", "x-deprecated-message", "x-expected-keys",
}
ALLOWED_TYPES = {"object", "array", "string", "integer", "number", "boolean"}
# Keywords whose value is a map name -> schema.
MAP_OF_SCHEMAS = {"$defs", "properties", "patternProperties"}
# Keywords whose value is one schema.
ONE_SCHEMA = {"additionalProperties", "items", "not", "propertyNames"}
# Keywords whose value is a list of schemas.
LIST_OF_SCHEMAS = {"anyOf", "oneOf", "allOf"}

# Invalid upstream examples that pixi itself accepts with a deprecation warning.
# For these we require a hit on a `deprecated` key at the given instance path prefix
# instead of a validation error.
EXPECTED_DEPRECATED = {
    # Upstream's schema dropped `[package.target.*]`, but pixi's parser still accepts it
    # and only warns (crates/pixi_manifest/src/toml/package.rs, Deprecation::package_target).
    "package_target_removed.toml": ("package", "target"),
}

# Small extra cases: (name, toml text, expect_valid, expected error path prefix or None).
EXTRA_CASES = [
    ("build-config-free-form", """
[workspace]
channels = ["conda-forge"]
preview = ["pixi-build"]
[package.build]
backend = { name = "pixi-build-cmake" }
config = { anything = [1, 2], nested = { deep = true } }
target.linux-64.config = { whatever = "x" }
""", True, None),
    ("unknown-key-in-package-build", """
[workspace]
channels = ["conda-forge"]
[package.build]
backend = { name = "pixi-build-cmake" }
bogus = 1
""", False, ("package", "build")),
    ("backend-as-source", """
[package.build]
backend = { name = "x", path = "../x" }
""", False, ("package", "build", "backend")),
    ("malformed-if-key", """
[package.build]
backend = { name = "x" }
[package.run-dependencies."host_platform == 'linux-64')"]
foo = "*"
""", False, ("package", "run-dependencies")),
    ("pin-in-build-dependencies", """
[package.build]
backend = { name = "x" }
[package.build-dependencies]
foo = { pin-compatible = true }
""", False, ("package", "build-dependencies", "foo")),
    ("pin-subpackage-in-run-exports", """
[package.build]
backend = { name = "x" }
[package.run-exports.weak]
me = { pin-subpackage = { upper-bound = "x.x" } }
""", True, None),
    ("pin-in-workspace-dependencies", """
[workspace]
channels = ["conda-forge"]
[dependencies]
foo = { pin-compatible = true }
""", False, ("dependencies", "foo")),
    ("workspace-false", """
[package]
name = { workspace = false }
[package.build]
backend = { name = "x" }
""", False, ("package", "name")),
    ("alias-task-with-cwd", """
[workspace]
channels = ["conda-forge"]
[tasks.all]
depends-on = ["a", "b"]
cwd = "x"
""", False, ("tasks", "all")),
    ("bad-env-name", """
[workspace]
channels = ["conda-forge"]
[environments]
My_Env = ["x"]
""", False, ("environments",)),
    ("default-feature-reserved", """
[workspace]
channels = ["conda-forge"]
[feature.default.dependencies]
x = "*"
""", False, ("feature", "default")),
    ("glob-target-in-package", """
[package.build]
backend = { name = "x" }
[package.build.target."linux-*".config]
a = 1
""", False, ("package", "build", "target")),
    ("glob-target-in-workspace", """
[workspace]
channels = ["conda-forge"]
[target."linux-*".dependencies]
a = "*"
""", True, None),
    ("if-target-in-workspace", """
[workspace]
channels = ["conda-forge"]
[target."if(unix)".dependencies]
a = "*"
""", False, ("target",)),
    ("inline-package-on-source-dep", """
[workspace]
channels = ["conda-forge"]
preview = ["pixi-build"]
[dependencies]
foo = { path = "foo", package = { build = { backend = { name = "pixi-build-rust" } } } }
""", True, None),
    ("project-deprecated-alias", """
[project]
channels = ["conda-forge"]
platforms = ["linux-64"]
""", True, None),
    ("empty-manifest", "", False, ()),
]


# --------------------------------------------------------------------------- schema lint
def lint_schema(schema: dict) -> list[str]:
    problems: list[str] = []
    defs = schema.get("$defs", {})

    def check_regex(pat: str, where: str) -> None:
        if re.search(r"\(\?[=!<]|\\[1-9]", pat):
            problems.append(f"{where}: look-around/back-reference not allowed: {pat}")
        try:
            re.compile(pat)
        except re.error as e:
            problems.append(f"{where}: bad regex {pat!r}: {e}")

    def walk(node, where: str) -> None:
        if isinstance(node, bool):
            return
        if not isinstance(node, dict):
            problems.append(f"{where}: schema must be an object, got {type(node).__name__}")
            return
        for key, val in node.items():
            here = f"{where}/{key}"
            if key not in ALLOWED_KEYWORDS:
                problems.append(f"{here}: keyword not allowed")
                continue
            if key == "$schema" and where != "#":
                problems.append(f"{here}: $schema only at the root")
            if key == "$ref":
                m = re.fullmatch(r"#/\$defs/([^/]+)", val) if isinstance(val, str) else None
                if not m:
                    problems.append(f"{here}: only '#/$defs/Name' refs are allowed: {val!r}")
                elif m.group(1) not in defs:
                    problems.append(f"{here}: dangling ref {val}")
            elif key == "type":
                types = val if isinstance(val, list) else [val]
                for t in types:
                    if t not in ALLOWED_TYPES:
                        problems.append(f"{here}: type {t!r} not allowed")
            elif key in MAP_OF_SCHEMAS:
                if not isinstance(val, dict):
                    problems.append(f"{here}: must be an object")
                    continue
                for name, sub in val.items():
                    if key == "patternProperties":
                        check_regex(name, here)
                    walk(sub, f"{here}/{name}")
            elif key in ONE_SCHEMA:
                if key == "propertyNames" and isinstance(val, dict):
                    extra = set(val) - {"pattern", "enum", "description", "title"}
                    if extra:
                        problems.append(f"{here}: propertyNames may only use pattern/enum, has {sorted(extra)}")
                walk(val, here)
            elif key in LIST_OF_SCHEMAS:
                if not isinstance(val, list) or not val:
                    problems.append(f"{here}: must be a non-empty list")
                    continue
                for i, sub in enumerate(val):
                    walk(sub, f"{here}/{i}")
            elif key == "pattern":
                check_regex(val, here)
            elif key == "required":
                if not (isinstance(val, list) and all(isinstance(x, str) for x in val)):
                    problems.append(f"{here}: must be a list of strings")
            elif key in ("deprecated", "uniqueItems") and not isinstance(val, bool):
                problems.append(f"{here}: must be a boolean")
            elif key == "x-deprecated-message" and not isinstance(val, str):
                problems.append(f"{here}: must be a string")
            elif key == "examples" and not isinstance(val, list):
                problems.append(f"{here}: must be a list")
        if node.get("deprecated") is True and "x-deprecated-message" not in node:
            problems.append(f"{where}: deprecated without x-deprecated-message")

    walk(schema, "#")
    return problems


def missing_descriptions(schema: dict) -> list[str]:
    """Every named property (and every $def) should carry a description."""
    out = []
    defs = schema.get("$defs", {})

    def has_desc(node) -> bool:
        if not isinstance(node, dict):
            return True
        if "description" in node:
            return True
        if "$ref" in node:  # the referenced definition describes it
            name = node["$ref"].rsplit("/", 1)[-1]
            return "description" in defs.get(name, {})
        return False

    def walk(node, where):
        if not isinstance(node, dict):
            return
        for key in ("properties", "patternProperties"):
            for name, sub in node.get(key, {}).items():
                if not has_desc(sub):
                    out.append(f"{where}/{key}/{name}")
        for key, val in node.items():
            if key in MAP_OF_SCHEMAS:
                for name, sub in val.items():
                    walk(sub, f"{where}/{key}/{name}")
            elif key in ONE_SCHEMA:
                walk(val, f"{where}/{key}")
            elif key in LIST_OF_SCHEMAS:
                for i, sub in enumerate(val):
                    walk(sub, f"{where}/{key}/{i}")

    for name, d in defs.items():
        if isinstance(d, dict) and "description" not in d:
            out.append(f"#/$defs/{name}")
    walk(schema, "#")
    return out


# --------------------------------------------------------------------------- validation
DEPRECATION_HITS: list[tuple] = []


def _deprecated(validator, value, instance, schema):
    if value is True:
        DEPRECATION_HITS.append(schema.get("x-deprecated-message", "deprecated"))
    return iter(())


def make_validators(schema: dict):
    cls = extend(Draft202012Validator, {"deprecated": _deprecated})
    root = cls(schema)
    py = cls({"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/PyprojectToolPixi"})
    return root, py


def load_toml(path: Path | None, text: str | None = None):
    """Returns (data, note). data is None when the file could not be parsed."""
    _, mod, _is_11 = TOML_PARSER
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        return mod.loads(text), None
    except Exception as e:  # tomllib/tomli raise TOMLDecodeError
        if not _is_11:
            return None, f"skipped: TOML 1.1 (tomllib cannot parse it: {e})"
        return None, f"TOML parse error: {e}"


def run_validation(validators, data, is_pyproject: bool):
    """Returns (errors, deprecations) for a parsed document."""
    root, py = validators
    DEPRECATION_HITS.clear()
    if is_pyproject:
        pixi = (data.get("tool") or {}).get("pixi")
        if pixi is None:
            return [], []
        errors = list(py.iter_errors(pixi))
        prefix = ("tool", "pixi")
    else:
        errors = list(root.iter_errors(data))
        prefix = ()
    deps = sorted(set(DEPRECATION_HITS))
    out = []
    for e in errors:
        out.append((prefix + tuple(e.absolute_path), e))
    return out, deps


def deprecation_paths(validators, data, is_pyproject):
    """Instance paths where a `deprecated: true` subschema validated successfully."""
    root, _ = validators
    hits = []

    # Cheap approach: walk the instance alongside the schema's `properties`.
    schema = root.schema
    defs = schema["$defs"]

    def resolve(s):
        while isinstance(s, dict) and "$ref" in s and len(s) <= 4:
            name = s["$ref"].rsplit("/", 1)[-1]
            merged = dict(defs[name])
            merged.update({k: v for k, v in s.items() if k != "$ref"})
            if merged.get("$ref") == s["$ref"]:
                del merged["$ref"]
            s = merged
        return s

    def walk(s, inst, path):
        s = resolve(s)
        if not isinstance(s, dict):
            return
        if s.get("deprecated"):
            hits.append((path, s.get("x-deprecated-message", "")))
        if isinstance(inst, dict):
            props = s.get("properties", {})
            for k, v in inst.items():
                if k in props:
                    walk(props[k], v, path + (k,))
                elif isinstance(s.get("additionalProperties"), dict):
                    pats = s.get("patternProperties", {})
                    if any(re.search(p, k) for p in pats):
                        for p, ps in pats.items():
                            if re.search(p, k):
                                walk(ps, v, path + (k,))
                    else:
                        walk(s["additionalProperties"], v, path + (k,))
        for kw in ("anyOf", "allOf", "oneOf"):
            for sub in s.get(kw, []):
                sub_r = resolve(sub)
                if isinstance(sub_r, dict) and Draft202012Validator(
                    {"$defs": defs, **sub_r}
                ).is_valid(inst):
                    walk(sub_r, inst, path)

    if is_pyproject:
        pixi = (data.get("tool") or {}).get("pixi") or {}
        walk({"$ref": "#/$defs/PyprojectToolPixi"}, pixi, ("tool", "pixi"))
    else:
        walk(schema, data, ())
    return hits


def fmt_path(p) -> str:
    return "/" + "/".join(str(x) for x in p) if p else "<root>"


def best_errors(errors, limit=3):
    # Prefer the deepest errors: those point at the offending key/value.
    ranked = sorted(errors, key=lambda pe: -len(pe[0]))
    return ranked[:limit]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    schema = json.loads(args.schema.read_text(encoding="utf-8"))
    failures: list[str] = []
    print(f"schema: {args.schema}")
    print(f"toml parser: {TOML_PARSER[0]}; jsonschema {_pkg_version('jsonschema')}")

    problems = lint_schema(schema)
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        problems.append(f"not a valid 2020-12 schema: {e.message}")
    for p in problems:
        print(f"  SCHEMA PROBLEM {p}")
    failures += [f"schema: {p}" for p in problems]
    nodesc = missing_descriptions(schema)
    print(f"[schema] keyword subset: {'ok' if not problems else f'{len(problems)} problem(s)'}; "
          f"properties without description: {len(nodesc)}")
    for p in nodesc:
        print(f"  no description: {p}")

    validators = make_validators(schema)
    counts: dict[str, list[int]] = {}

    def record(cat: str, ok: bool | None):
        c = counts.setdefault(cat, [0, 0, 0])  # ok, wrong, skipped
        c[0 if ok else 1 if ok is False else 2] += 1

    def check(cat, name, data, is_py, expect_valid, expected_prefix=None, expect_deprecated=None):
        errors, _ = run_validation(validators, data, is_py)
        dep_hits = deprecation_paths(validators, data, is_py)
        valid = not errors
        detail = ""
        if errors:
            detail = "; ".join(f"{fmt_path(p)}: {e.message[:140]}" for p, e in best_errors(errors))
        if expect_deprecated is not None:
            ok = valid and any(h[0][: len(expect_deprecated)] == expect_deprecated for h in dep_hits)
            verdict = "accepted with deprecation" if ok else ("rejected" if not valid else "accepted (no deprecation hit!)")
        elif expect_valid is None:
            ok = None
            verdict = "accepted" if valid else "rejected"
        elif expect_valid:
            ok = valid
            verdict = "valid" if valid else "REJECTED"
        else:
            ok = not valid
            verdict = "rejected" if not valid else "ACCEPTED"
            if ok and expected_prefix is not None:
                if not any(p[: len(expected_prefix)] == tuple(expected_prefix) for p, _ in errors):
                    ok = False
                    verdict = f"rejected at the wrong place (expected under {fmt_path(expected_prefix)})"
        record(cat, ok)
        mark = {True: "ok  ", False: "FAIL", None: "info"}[ok]
        line = f"  {mark} [{cat}] {name}: {verdict}"
        if detail and (ok is not True or args.verbose or not expect_valid):
            line += f"\n         errors: {detail}"
        if dep_hits and (args.verbose or expect_deprecated is not None or ok is None):
            line += "\n         deprecated: " + "; ".join(f"{fmt_path(p)}" for p, _ in dep_hits)
        print(line)
        if ok is False:
            failures.append(f"{cat}/{name}: {verdict}")

    # upstream examples
    ex = args.shared / "docs" / "reference" / "examples"
    for kind in ("valid", "invalid"):
        for f in sorted((ex / kind).glob("*.toml")):
            data, note = load_toml(f)
            cat = f"upstream-{kind}"
            if data is None:
                record(cat, None)
                print(f"  skip [{cat}] {f.name}: {note}")
                if "skipped" not in (note or ""):
                    failures.append(f"{cat}/{f.name}: {note}")
                continue
            if kind == "valid":
                check(cat, f.name, data, False, True)
            elif f.name in EXPECTED_DEPRECATED:
                check(cat, f.name, data, False, False, expect_deprecated=EXPECTED_DEPRECATED[f.name])
            else:
                check(cat, f.name, data, False, False)

    # corpus
    corpus = args.shared / "corpus"
    tsv = corpus / "SOURCES.tsv"
    if tsv.exists():
        with tsv.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        for row in rows:
            f = corpus / row["file"]
            is_py = f.name.endswith("pyproject.toml")
            data, note = load_toml(f)
            cat = f"corpus-{row['expect']}"
            if data is None:
                record(cat, None)
                print(f"  skip [{cat}] {f.name}: {note}")
                if "skipped" not in (note or ""):
                    failures.append(f"{cat}/{f.name}: {note}")
                continue
            if row["expect"] == "valid":
                check(cat, row["file"], data, is_py, True)
            else:
                # pixi rejects these; a schema may or may not see why. Informational.
                check(cat, row["file"], data, is_py, None)

    # built-in strictness cases
    for name, text, expect_valid, prefix in EXTRA_CASES:
        data, note = load_toml(None, text)
        if data is None:
            print(f"  FAIL [extra] {name}: {note}")
            failures.append(f"extra/{name}: {note}")
            continue
        check("extra", name, data, False, expect_valid, prefix)

    print("\nsummary (ok / wrong / skipped-or-info):")
    for cat, (ok, wrong, skip) in counts.items():
        print(f"  {cat:18} {ok:3} ok  {wrong:3} wrong  {skip:3} skipped/info")
    if failures:
        print(f"\n{len(failures)} wrong verdict(s) or problem(s):")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("\nall verdicts as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
