//! A plain `repodata.json` channel of many package names, for benchmarks: a few small
//! records per name (versions 1.999.0, 2.0.0 and 3.12.0, so that the usual specs of a
//! manifest find a match), written straight as JSON (no `.conda` files; the language server
//! only reads repodata).

use std::fmt::Write as _;
use std::path::Path;

/// Writes `<dir>/<subdir>/repodata.json` for each subdir (plus an empty `noarch`), the
/// names' records in the first subdir and none in the others.
pub fn write(dir: &Path, names: &[String], subdirs: &[&str]) {
    for (i, subdir) in subdirs.iter().chain(&["noarch"]).enumerate() {
        let mut text = format!(
            "{{\"info\":{{\"subdir\":\"{subdir}\"}},\"packages\":{{}},\"packages.conda\":{{"
        );
        if i == 0 {
            let mut first = true;
            for (n, name) in names.iter().enumerate() {
                for version in ["1.999.0", "2.0.0", "3.12.0"] {
                    if !first {
                        text.push(',');
                    }
                    first = false;
                    let _ = write!(
                        text,
                        "\"{name}-{version}-h0_0.conda\":{{\"build\":\"h0_0\",\"build_number\":0,\"depends\":[],\"md5\":\"{n:032x}\",\"name\":\"{name}\",\"sha256\":\"{n:064x}\",\"size\":1000,\"subdir\":\"{subdir}\",\"version\":\"{version}\"}}"
                    );
                }
            }
        }
        text.push_str("},\"repodata_version\":1}");
        let sub = dir.join(subdir);
        std::fs::create_dir_all(&sub).expect("subdir");
        std::fs::write(sub.join("repodata.json"), text).expect("repodata.json");
    }
}
