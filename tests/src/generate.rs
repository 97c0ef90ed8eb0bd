//! Manifest generators: a big realistic manifest for benchmarks, and mutations of real
//! manifests for the fuzz driver.

use std::fmt::Write;

/// A realistic pixi.toml of about `lines` lines: a workspace, a pixi-build package, many
/// features with dependencies, tasks and targets.
pub fn big_manifest(lines: usize) -> String {
    let mut s = String::from(
        "[workspace]\nname = \"big\"\nversion = \"0.1.0\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\", \"osx-arm64\", \"win-64\"]\npreview = [\"pixi-build\"]\n\n\
         [package]\nname = \"big\"\nversion = \"0.1.0\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n\n\
         [package.build.config]\nnoarch = true\n\n[package.host-dependencies]\npython = \">=3.11\"\nhatchling = \"*\"\n\n[dependencies]\npython = \">=3.11\"\n\n",
    );
    let mut i = 0;
    while s.lines().count() < lines {
        let _ = write!(
            s,
            "[feature.f{i}.dependencies]\npkg-a{i} = \">=1.{i}\"\npkg-b{i} = {{ version = \"2.*\", channel = \"conda-forge\" }}\npkg-c{i} = \"*\"\n\n\
             [feature.f{i}.tasks]\nrun{i} = \"python -m mod{i}\"\ntest{i} = {{ cmd = \"pytest tests/t{i}\", depends-on = [\"run{i}\"] }}\n\n\
             [feature.f{i}.target.linux-64.dependencies]\nlibfoo{i} = \"1.*\"\n\n"
        );
        i += 1;
    }
    let envs: Vec<String> = (0..i).map(|k| format!("e{k} = [\"f{k}\"]")).collect();
    let _ = write!(s, "[environments]\n{}\n", envs.join("\n"));
    s
}

/// A manifest with `tasks` tasks of the default feature and `environments` environments,
/// each of which has every task: the most the task lenses carry (each "Run in
/// environment…" lens offers every environment).
pub fn many_environments(tasks: usize, environments: usize) -> String {
    let mut s = String::from(
        "[workspace]\nname = \"envs\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n\n[tasks]\n",
    );
    for t in 0..tasks {
        let _ = writeln!(s, "task{t} = \"python -m task{t}\"");
    }
    s.push('\n');
    for e in 0..environments {
        let _ = write!(s, "[feature.f{e}.dependencies]\npkg{e} = \"*\"\n\n");
    }
    s.push_str("[environments]\n");
    for e in 0..environments {
        let _ = writeln!(s, "env{e} = [\"f{e}\"]");
    }
    s
}

/// Fragments that stress the parser and the rules when spliced into a manifest.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    "\"\"\"",
    ",",
    ".",
    "\n",
    "#",
    " ",
    "\t",
    "\r\n",
    "[package.build]\n",
    "backend = ",
    "{ name = \"pixi-build-python\" }",
    "\"pixi-build-rust\"",
    "[package]\n",
    "[package.build.config]\n",
    "extra-args = [\"-x\"]\n",
    "[package.build.target.linux-64.config]\n",
    "noarch = false\n",
    "[workspace]\n",
    "preview = [\"pixi-build\"]\n",
    "version = \"0.3.*\"\n",
    "channels = []\n",
    "[tool.pixi.workspace]\n",
    "\"if(unix)\" = { a = 1 }\n",
    "pin-compatible = true",
    "workspace = true",
    "1979-05-27T07:32:00Z",
    "0x1f",
    "1e400",
    "-0",
    "nan",
    "é",
    "😀",
    "\u{0}",
    "\u{feff}",
    "a.b.c = 1\n",
    "[[feature.x.tasks]]\n",
    "x = [[[[[[1]]]]]]",
    "{a={b={c={}}}}",
];

/// Applies `count` random mutations to `text`.
pub fn mutate(rng: &mut fastrand::Rng, text: &str, count: usize) -> String {
    let mut s = text.to_owned();
    for _ in 0..count {
        let at = boundary(&s, rng.usize(..=s.len()));
        match rng.u8(..6) {
            0 => {
                let end = boundary(&s, (at + rng.usize(..=40)).min(s.len()));
                s.replace_range(at..end, "");
            }
            1 | 2 => s.insert_str(at, FRAGMENTS[rng.usize(..FRAGMENTS.len())]),
            3 => {
                // Duplicate a line: duplicate keys and tables.
                let lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let line = lines[rng.usize(..lines.len())].to_owned();
                    s.insert_str(at, &format!("{line}\n"));
                }
            }
            4 => {
                let c = char::from_u32(rng.u32(..0x11000)).unwrap_or('x');
                s.insert(at, c);
            }
            _ => {
                let depth = rng.usize(..300);
                s.insert_str(
                    at,
                    &format!(
                        "k = {}{}\n",
                        "[".repeat(depth),
                        "]".repeat(rng.usize(..=depth))
                    ),
                );
            }
        }
    }
    s
}

pub fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
