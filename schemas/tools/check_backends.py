#!/usr/bin/env python3
"""Self-check for the backend config schemas in schemas/backends/*.json.

Usage: python3 schemas/tools/check_backends.py [DIR]

Checks the file format (required fields, allowed values), version ordering
against each file's `releases` list, the JSON-Schema keyword subset used in
`schema`, and that every `default` matches its schema. Exits 1 on problems.
Standard library only.
"""

import json
import os
import re
import sys

EXPECTED_BACKENDS = [
    "pixi-build-python",
    "pixi-build-cmake",
    "pixi-build-rust",
    "pixi-build-rattler-build",
    "pixi-build-ros",
    "pixi-build-mojo",
    "pixi-build-r",
]

TOP_REQUIRED = ["backend", "title", "description", "docs", "unknownKeys", "releases", "keys", "phantomKeys", "notes"]
TOP_OPTIONAL = ["unknownKeysHistory", "targetConfigSince", "refuses"]
KEY_REQUIRED = ["description", "schema", "default", "since", "until", "target", "targetMessage", "targetMerge",
                "deprecated", "aliases"]
KEY_OPTIONAL = ["deprecatedSince", "targetUntil", "aliasRanges", "requiredRanges"]
SCHEMA_KEYWORDS = {"type", "properties", "additionalProperties", "required", "items", "enum", "const", "anyOf",
                   "minimum", "pattern", "description"}
JSON_TYPES = {"string", "boolean", "integer", "number", "array", "object", "null"}
TARGET_MERGES = {"replace-if-set", "replace-if-non-empty", "merge", "or", "field-wise"}
VERSION_RE = re.compile(r"^\d+(\.\d+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def vkey(v):
    return tuple(int(x) for x in v.split("."))


class Checker:
    def __init__(self):
        self.problems = []

    def err(self, where, msg):
        self.problems.append(f"{where}: {msg}")

    # ------------------------------------------------------------ schema subset
    def check_schema(self, where, s):
        if not isinstance(s, dict):
            self.err(where, "schema node must be an object")
            return
        extra = set(s) - SCHEMA_KEYWORDS
        if extra:
            self.err(where, f"schema keywords outside the allowed subset: {sorted(extra)}")
        if "type" in s:
            t = s["type"]
            ts = t if isinstance(t, list) else [t]
            for x in ts:
                if x not in JSON_TYPES:
                    self.err(where, f"unknown type {x!r}")
        if "description" in s and not isinstance(s["description"], str):
            self.err(where, "description must be a string")
        if "properties" in s:
            if not isinstance(s["properties"], dict):
                self.err(where, "properties must be an object")
            else:
                for name, sub in s["properties"].items():
                    self.check_schema(f"{where}.properties.{name}", sub)
        if "additionalProperties" in s:
            ap = s["additionalProperties"]
            if not isinstance(ap, bool):
                self.check_schema(f"{where}.additionalProperties", ap)
        if "required" in s:
            req = s["required"]
            if not (isinstance(req, list) and all(isinstance(x, str) for x in req)):
                self.err(where, "required must be a list of strings")
            elif "properties" in s:
                for r in req:
                    if r not in s["properties"]:
                        self.err(where, f"required property {r!r} not in properties")
        if "items" in s:
            self.check_schema(f"{where}.items", s["items"])
        if "anyOf" in s:
            if not isinstance(s["anyOf"], list) or not s["anyOf"]:
                self.err(where, "anyOf must be a non-empty list")
            else:
                for i, sub in enumerate(s["anyOf"]):
                    self.check_schema(f"{where}.anyOf[{i}]", sub)
        if "enum" in s and (not isinstance(s["enum"], list) or not s["enum"]):
            self.err(where, "enum must be a non-empty list")
        if "minimum" in s and not isinstance(s["minimum"], (int, float)):
            self.err(where, "minimum must be a number")
        if "pattern" in s:
            try:
                re.compile(s["pattern"])
            except (re.error, TypeError) as e:
                self.err(where, f"bad pattern: {e}")

    # ------------------------------------------------------------ tiny validator
    def matches(self, s, v):
        if "anyOf" in s and not any(self.matches(sub, v) for sub in s["anyOf"]):
            return False
        if "const" in s and not (v == s["const"] and type(v) is type(s["const"])):
            return False
        if "enum" in s and v not in s["enum"]:
            return False
        if "type" in s:
            ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
            ok = False
            for t in ts:
                if t == "string" and isinstance(v, str):
                    ok = True
                elif t == "boolean" and isinstance(v, bool):
                    ok = True
                elif t == "integer" and isinstance(v, int) and not isinstance(v, bool):
                    ok = True
                elif t == "number" and isinstance(v, (int, float)) and not isinstance(v, bool):
                    ok = True
                elif t == "array" and isinstance(v, list):
                    ok = True
                elif t == "object" and isinstance(v, dict):
                    ok = True
                elif t == "null" and v is None:
                    ok = True
            if not ok:
                return False
        if isinstance(v, list) and "items" in s:
            if not all(self.matches(s["items"], x) for x in v):
                return False
        if isinstance(v, dict):
            props = s.get("properties", {})
            for r in s.get("required", []):
                if r not in v:
                    return False
            for k, x in v.items():
                if k in props:
                    if not self.matches(props[k], x):
                        return False
                else:
                    ap = s.get("additionalProperties", True)
                    if ap is False:
                        return False
                    if isinstance(ap, dict) and not self.matches(ap, x):
                        return False
        if "minimum" in s and isinstance(v, (int, float)) and v < s["minimum"]:
            return False
        if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
            return False
        return True

    # ------------------------------------------------------------ versions
    def check_version_ref(self, where, v, versions, allow_null=True):
        if v is None:
            if not allow_null:
                self.err(where, "must not be null")
            return
        if not isinstance(v, str):
            self.err(where, f"version must be a string or null, got {v!r}")
        elif v not in versions:
            self.err(where, f"version {v!r} is not in releases")

    def check_range(self, where, since, until, versions):
        self.check_version_ref(f"{where}.since", since, versions)
        self.check_version_ref(f"{where}.until", until, versions)
        # `since = null` means "from the first release"; compare with that.
        first = min(versions, key=vkey) if versions else None
        eff_since = since if since is not None else first
        if isinstance(eff_since, str) and isinstance(until, str) and eff_since in versions and until in versions:
            if not vkey(eff_since) < vkey(until):
                self.err(where, f"since {since or 'first release ' + eff_since} must be before until {until}")

    def check_ranges(self, where, ranges, versions):
        if not isinstance(ranges, list) or not ranges:
            self.err(where, "must be a non-empty list of {since, until}")
            return
        prev_until = None
        for i, r in enumerate(ranges):
            w = f"{where}[{i}]"
            if not isinstance(r, dict) or set(r) != {"since", "until"}:
                self.err(w, "range must have exactly `since` and `until`")
                continue
            self.check_range(w, r["since"], r["until"], versions)
            if i > 0:
                if prev_until is None or r["since"] is None:
                    self.err(w, "ranges must be ordered and only the first may be open at the start")
                elif r["since"] in versions and prev_until in versions and vkey(r["since"]) < vkey(prev_until):
                    self.err(w, "ranges overlap")
            prev_until = r["until"]

    # ------------------------------------------------------------ file
    def check_file(self, path):
        name = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            self.err(name, f"cannot load: {e}")
            return None
        if not isinstance(doc, dict):
            self.err(name, "top level must be an object")
            return None
        for k in TOP_REQUIRED:
            if k not in doc:
                self.err(name, f"missing field {k!r}")
        for k in set(doc) - set(TOP_REQUIRED) - set(TOP_OPTIONAL):
            self.err(name, f"unexpected top-level field {k!r}")
        if doc.get("backend") != name[: -len(".json")]:
            self.err(name, f"backend {doc.get('backend')!r} does not match the file name")
        for k in ("title", "description", "docs", "notes"):
            if k in doc and (not isinstance(doc[k], str) or not doc[k].strip()):
                self.err(name, f"{k} must be a non-empty string")
        if isinstance(doc.get("docs"), str) and not doc["docs"].startswith("https://"):
            self.err(name, "docs must be an https URL")
        if doc.get("unknownKeys") not in ("error", "warning"):
            self.err(name, "unknownKeys must be 'error' or 'warning'")

        # releases
        versions = []
        rel = doc.get("releases")
        if not isinstance(rel, list) or not rel:
            self.err(name, "releases must be a non-empty list")
            rel = []
        prev = None
        prev_date = None
        for i, r in enumerate(rel):
            w = f"{name}.releases[{i}]"
            if not isinstance(r, dict) or set(r) != {"version", "date"}:
                self.err(w, "release must have exactly `version` and `date`")
                continue
            v, d = r["version"], r["date"]
            if not isinstance(v, str) or not VERSION_RE.match(v):
                self.err(w, f"bad version {v!r}")
                continue
            if not isinstance(d, str) or not DATE_RE.match(d):
                self.err(w, f"bad date {d!r}")
            if prev is not None and not vkey(prev) < vkey(v):
                self.err(w, f"releases must be strictly increasing ({prev} then {v})")
            if prev_date is not None and isinstance(d, str) and d < prev_date:
                self.err(w, f"release date {d} is before the previous release's {prev_date}")
            prev, prev_date = v, d if isinstance(d, str) else prev_date
            versions.append(v)
        vset = set(versions)

        # unknown-keys history
        if "unknownKeysHistory" in doc:
            h = doc["unknownKeysHistory"]
            if not isinstance(h, list) or not h:
                self.err(name, "unknownKeysHistory must be a non-empty list")
            else:
                for i, e in enumerate(h):
                    w = f"{name}.unknownKeysHistory[{i}]"
                    if not isinstance(e, dict) or set(e) != {"since", "until", "unknownKeys"}:
                        self.err(w, "entry must have since, until, unknownKeys")
                        continue
                    self.check_range(w, e["since"], e["until"], vset)
                    if e["unknownKeys"] not in ("error", "warning"):
                        self.err(w, "unknownKeys must be 'error' or 'warning'")
                    if i == 0 and e["since"] is not None:
                        self.err(w, "first entry must start at the first release (since = null)")
                    if i > 0 and h[i - 1].get("until") != e["since"]:
                        self.err(w, "entries must be contiguous (previous until == this since)")
                last = h[-1]
                if isinstance(last, dict):
                    if last.get("until") is not None:
                        self.err(name, "last unknownKeysHistory entry must be open-ended (until = null)")
                    if last.get("unknownKeys") != doc.get("unknownKeys"):
                        self.err(name, "last unknownKeysHistory entry must match unknownKeys")
        if "targetConfigSince" in doc:
            self.check_version_ref(f"{name}.targetConfigSince", doc["targetConfigSince"], vset)

        # keys
        keys = doc.get("keys")
        if not isinstance(keys, dict) or not keys:
            self.err(name, "keys must be a non-empty object")
            keys = {}
        all_aliases = set()
        for kname, k in keys.items():
            w = f"{name}.keys.{kname}"
            if not re.match(r"^[a-z][a-z0-9-]*$", kname):
                self.err(w, "key names must be kebab-case")
            if not isinstance(k, dict):
                self.err(w, "must be an object")
                continue
            for f in KEY_REQUIRED:
                if f not in k:
                    self.err(w, f"missing field {f!r}")
            for f in set(k) - set(KEY_REQUIRED) - set(KEY_OPTIONAL):
                self.err(w, f"unexpected field {f!r}")
            if not isinstance(k.get("description"), str) or not k.get("description", "").strip():
                self.err(w, "description must be a non-empty string")
            schema = k.get("schema")
            self.check_schema(f"{w}.schema", schema)
            if isinstance(schema, dict) and k.get("default") is not None and not self.matches(schema, k["default"]):
                self.err(w, f"default {k['default']!r} does not match the schema")
            self.check_range(w, k.get("since"), k.get("until"), vset)
            target = k.get("target")
            if target not in ("allowed", "forbidden"):
                self.err(w, "target must be 'allowed' or 'forbidden'")
            tm = k.get("targetMessage")
            if target == "forbidden" and not (isinstance(tm, str) and tm):
                self.err(w, "forbidden target needs a targetMessage")
            if target == "allowed" and tm is not None:
                self.err(w, "targetMessage must be null when target is allowed")
            merge = k.get("targetMerge")
            if merge is None:
                if target != "forbidden" and not k.get("deprecated"):
                    self.err(w, "targetMerge may be null only for forbidden or deprecated keys")
            elif merge not in TARGET_MERGES:
                self.err(w, f"targetMerge {merge!r} not in {sorted(TARGET_MERGES)}")
            dep = k.get("deprecated")
            if dep is not None and not (isinstance(dep, str) and dep):
                self.err(w, "deprecated must be null or a message")
            if "deprecatedSince" in k:
                if dep is None:
                    self.err(w, "deprecatedSince without deprecated")
                self.check_version_ref(f"{w}.deprecatedSince", k["deprecatedSince"], vset)
                ds, s = k["deprecatedSince"], k.get("since")
                if ds in vset and s in vset and vkey(ds) < vkey(s):
                    self.err(w, "deprecatedSince is before since")
            if "targetUntil" in k:
                tu = k["targetUntil"]
                if target != "forbidden" and tu is not None:
                    self.err(w, "targetUntil only makes sense for forbidden targets")
                self.check_version_ref(f"{w}.targetUntil", tu, vset)
            aliases = k.get("aliases")
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.err(w, "aliases must be a list of strings")
                aliases = []
            for a in aliases:
                if a in keys:
                    self.err(w, f"alias {a!r} collides with a key")
                if a in all_aliases:
                    self.err(w, f"alias {a!r} used twice")
                all_aliases.add(a)
            if "aliasRanges" in k:
                ar = k["aliasRanges"]
                if not isinstance(ar, dict):
                    self.err(w, "aliasRanges must be an object")
                else:
                    for a, ranges in ar.items():
                        if a not in aliases:
                            self.err(w, f"aliasRanges names {a!r}, which is not in aliases")
                        self.check_ranges(f"{w}.aliasRanges.{a}", ranges, vset)
            if "requiredRanges" in k:
                self.check_ranges(f"{w}.requiredRanges", k["requiredRanges"], vset)

        # phantom keys
        ph = doc.get("phantomKeys")
        if not isinstance(ph, dict):
            self.err(name, "phantomKeys must be an object")
            ph = {}
        for pname, p in ph.items():
            w = f"{name}.phantomKeys.{pname}"
            if pname in keys or pname in all_aliases:
                self.err(w, "a phantom key must not be a real key or alias")
            if not isinstance(p, dict) or set(p) != {"message", "instead"}:
                self.err(w, "must have exactly `message` and `instead`")
                continue
            for f in ("message", "instead"):
                if not isinstance(p[f], str) or not p[f].strip():
                    self.err(w, f"{f} must be a non-empty string")
        return doc


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "backends")
    d = os.path.normpath(d)
    c = Checker()
    found = sorted(f for f in os.listdir(d) if f.endswith(".json"))
    for b in EXPECTED_BACKENDS:
        if f"{b}.json" not in found:
            c.err(d, f"missing {b}.json")
    docs = {}
    for f in found:
        doc = c.check_file(os.path.join(d, f))
        if doc is not None:
            docs[f] = doc
    hist = os.path.join(d, "HISTORY.md")
    if not os.path.exists(hist):
        c.err(d, "missing HISTORY.md")
    else:
        text = open(hist, encoding="utf-8").read()
        for f, doc in docs.items():
            if f"## {doc.get('backend')}" not in text:
                c.err("HISTORY.md", f"no `## {doc.get('backend')}` section")
    for p in c.problems:
        print(f"ERROR {p}")
    nkeys = sum(len(doc.get("keys", {})) for doc in docs.values())
    print(f"checked {len(docs)} backend files, {nkeys} keys: {len(c.problems)} problem(s)")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
