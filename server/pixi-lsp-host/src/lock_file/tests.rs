//! A hand-written v6 `pixi.lock` (pixi's format: packages named by their URLs, name,
//! version and build derived from the file name) read with rattler_lock.

use super::*;

const LOCK_V6: &str = r#"version: 6
environments:
  default:
    channels:
    - url: https://conda.anaconda.org/conda-forge/
    indexes:
    - https://pypi.org/simple
    packages:
      linux-64:
      - conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda
      - pypi: https://files.pythonhosted.org/packages/flask_login-0.6.3-py3-none-any.whl
      osx-arm64:
      - conda: https://conda.anaconda.org/conda-forge/osx-arm64/zlib-1.3.1-h8359307_2.conda
  docs:
    channels:
    - url: https://conda.anaconda.org/conda-forge/
    packages:
      linux-64:
      - conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.13-h4ab18f5_6.conda
packages:
- conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.13-h4ab18f5_6.conda
  sha256: 534824ea44939f3e59ca8ebb95e3ece6f50f9d2a0e69999fbc692311252ed6ac
  md5: 559d338a4234c2ad6e676f460a093e67
  depends:
  - libgcc-ng >=12
  license: Zlib
  size: 92883
  timestamp: 1716874088980
- conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda
  sha256: 5d7c0e5f0005f74112a34a7425179f4eb6e73c92f5d109e6af4ddeca407c92ab
  md5: c9f075ab2f33b3bbee9e62d4ad0a6cd8
  depends:
  - __glibc >=2.17,<3.0.a0
  license: Zlib
  size: 92286
  timestamp: 1727963153079
- conda: https://conda.anaconda.org/conda-forge/osx-arm64/zlib-1.3.1-h8359307_2.conda
  sha256: 58f8860756680a4831c1bf4f294e2354d187f2e999791d53b1941834c4b37430
  md5: e3170d898ca6cb48f1bb567afb92f775
  license: Zlib
  size: 77606
  timestamp: 1727963209370
- pypi: https://files.pythonhosted.org/packages/flask_login-0.6.3-py3-none-any.whl
  name: flask-login
  version: 0.6.3
  sha256: 849b25b82a436bf830a054e74214074af59097171562ab10bfa999e6b78aae5d
  requires_dist:
  - flask>=1.0.4
"#;

#[test]
fn a_v6_lock_file_becomes_facts() {
    let LockState::Loaded(facts) = parse(LOCK_V6, None) else {
        panic!("the lock file parses");
    };
    let linux = &facts.environments["default"]["linux-64"];
    let shown: Vec<String> = linux
        .iter()
        .map(|p| format!("{} {} {:?} {}", p.name, p.version, p.build, p.pypi))
        .collect();
    assert_eq!(
        shown,
        [
            "flask-login 0.6.3 None true",
            "zlib 1.3.1 Some(\"hb9d3cd8_2\") false"
        ]
    );
    assert_eq!(facts.environments["docs"]["linux-64"][0].version, "1.2.13");
    assert!(!facts.environments["docs"].contains_key("osx-arm64"));
}

#[test]
fn a_corrupt_or_huge_lock_file_is_one_clear_message() {
    let LockState::Unreadable(why) = parse("version: 6\nenvironments: [1, 2\n", None) else {
        panic!("a corrupt lock file is unreadable");
    };
    assert!(!why.is_empty());
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(read(&dir.path().join(LOCK_FILE)), None, "no lock file");
    let big = dir.path().join(LOCK_FILE);
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(MAX_LOCK_SIZE + 1).unwrap();
    let Some(LockState::Unreadable(why)) = read(&big) else {
        panic!("a huge lock file is refused");
    };
    assert!(why.contains("more than the 64 MB"), "{why}");
}
