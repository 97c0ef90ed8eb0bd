//! A plain `repodata.json` channel of many package names, for benchmarks: one small record
//! per name in each subdir given, written straight as JSON (no `.conda` files; the
//! language server only reads repodata).

use std::fmt::Write as _;
use std::path::Path;

/// Writes `<dir>/<subdir>/repodata.json` for each subdir (plus an empty `noarch`), each
/// name once in the first subdir and absent from the others.
pub fn write(dir: &Path, names: &[String], subdirs: &[&str]) {
    for (i, subdir) in subdirs.iter().chain(&["noarch"]).enumerate() {
        let mut text = format!(
            "{{\"info\":{{\"subdir\":\"{subdir}\"}},\"packages\":{{}},\"packages.conda\":{{"
        );
        if i == 0 {
            for (n, name) in names.iter().enumerate() {
                if n > 0 {
                    text.push(',');
                }
                let _ = write!(
                    text,
                    "\"{name}-1.{n}.0-h0_0.conda\":{{\"build\":\"h0_0\",\"build_number\":0,\"depends\":[],\"md5\":\"{:032x}\",\"name\":\"{name}\",\"sha256\":\"{:064x}\",\"size\":1000,\"subdir\":\"{subdir}\",\"version\":\"1.{n}.0\"}}",
                    n, n
                );
            }
        }
        text.push_str("},\"repodata_version\":1}");
        let sub = dir.join(subdir);
        std::fs::create_dir_all(&sub).expect("subdir");
        std::fs::write(sub.join("repodata.json"), text).expect("repodata.json");
    }
}
