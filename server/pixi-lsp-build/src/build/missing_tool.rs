//! A build script that runs a program its build environment does not have ends in a
//! shell's "command not found" (pixi-build-mojo's script runs `mojo`, which comes with the
//! `mojo-compiler` package the user must list). That is a missing build dependency, not a
//! backend fault: this finds the programs in the backend's error and log, and says which
//! package to add where.

/// The programs a shell reported missing in `log`, in order, once each: bash (`x: command
/// not found`), zsh (`command not found: x`), dash (`sh: 1: x: not found`) and cmd.exe
/// (`'x' is not recognized as an internal or external command`).
pub(crate) fn missing_programs(log: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in log.lines() {
        let line = line.trim_end();
        let program = if let Some(before) = line.strip_suffix(": command not found") {
            before.rsplit(": ").next()
        } else if let Some((_, after)) = line.split_once("command not found: ") {
            Some(after.trim())
        } else if let Some(before) = line.strip_suffix(": not found") {
            // dash: `<shell>: <line number>: <program>: not found`.
            let mut parts = before.rsplit(": ");
            let program = parts.next();
            let line_number = parts.next();
            line_number
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and(program)
        } else if let Some(at) = line.find("' is not recognized as an internal or external command")
        {
            line[..at].rsplit('\'').next()
        } else {
            None
        };
        let Some(program) = program.map(str::trim) else {
            continue;
        };
        let plausible = !program.is_empty()
            && program
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'));
        if plausible && !found.iter().any(|p| p == program) {
            found.push(program.to_owned());
        }
    }
    found
}

/// The conda package that provides `program`, for the programs build scripts commonly
/// run; `None` when we do not know it.
pub(crate) fn providing_package(program: &str) -> Option<&'static str> {
    Some(match program {
        // pixi-build-mojo's documentation lists `mojo-compiler` as the build dependency.
        "mojo" => "mojo-compiler",
        "cmake" | "ctest" => "cmake",
        "ninja" => "ninja",
        "make" => "make",
        "meson" => "meson",
        "pkg-config" => "pkg-config",
        "cargo" | "rustc" => "rust",
        "R" | "Rscript" => "r-base",
        "python" | "python3" => "python",
        "pip" => "pip",
        "uv" => "uv",
        "git" => "git",
        "cc" | "gcc" | "clang" => "c-compiler",
        "c++" | "g++" | "clang++" => "cxx-compiler",
        "gfortran" => "fortran-compiler",
        _ => return None,
    })
}

/// What to tell the user: which programs `output`'s build script lacked, and what to add.
pub(crate) fn hint(output: &str, programs: &[String]) -> String {
    let quoted = |items: &[String]| {
        items
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let mut packages: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for program in programs {
        match providing_package(program) {
            Some(package) if !packages.iter().any(|p| p == package) => {
                packages.push(package.to_owned())
            }
            Some(_) => {}
            None => unknown.push(program.clone()),
        }
    }
    let mut text = format!(
        "the build script of `{output}` ran {}, which its build environment does not have \
         (command not found): add the package that provides it to \
         [package.build-dependencies]",
        quoted(programs)
    );
    if !packages.is_empty() {
        text.push_str(&format!(" ({})", quoted(&packages)));
        if !unknown.is_empty() {
            text.push_str(&format!(", and one for {}", quoted(&unknown)));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_each_shell_says_is_missing_once_each() {
        let log = " │ │ + mojo --version\n\
                   │ │ $SRC_DIR/conda_build.sh: line 13: mojo: command not found\n\
                   │ │ × error Script failed with status 127\n\
                   sh: 1: cmake: not found\n\
                   zsh: command not found: ninja\n\
                   'cl' is not recognized as an internal or external command,\n\
                   bash: mojo: command not found\n";
        assert_eq!(missing_programs(log), ["mojo", "cmake", "ninja", "cl"]);
    }

    #[test]
    fn other_not_found_messages_are_not_programs() {
        let log = "error: file: not found\n\
                   Error: the path /x/y: not found\n\
                   warning: config key: command not found here\n\
                   $SRC_DIR/build.sh: line 2: a b: command not found\n";
        assert_eq!(missing_programs(log), Vec::<String>::new());
    }

    #[test]
    fn the_hint_names_the_program_the_package_and_the_table() {
        let mojo = hint("mini-mojo", &["mojo".to_owned()]);
        assert_eq!(
            mojo,
            "the build script of `mini-mojo` ran `mojo`, which its build environment does not \
             have (command not found): add the package that provides it to \
             [package.build-dependencies] (`mojo-compiler`)"
        );
        let two = hint("p", &["cargo".to_owned(), "frobnicate".to_owned()]);
        assert!(
            two.ends_with("[package.build-dependencies] (`rust`), and one for `frobnicate`"),
            "{two}"
        );
        let unknown = hint("p", &["frobnicate".to_owned()]);
        assert!(
            unknown.ends_with("to [package.build-dependencies]"),
            "{unknown}"
        );
    }
}
