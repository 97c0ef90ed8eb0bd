use std::{collections::BTreeSet, fs};

use pixi_lsp_test_utils::{
    BACKEND_RELEASES, BACKENDS, ChannelError, CondaArchiveType, IndexOptions, LINUX_ONLY_BACKEND,
    LocalChannel, NoArch, Package, ROLLING_VERSION, WrittenChannel, api_spec, backend_channel,
};
use rattler_conda_types::{
    RepoData,
    package::{AboutJson, IndexJson, PathsJson},
};
use rattler_package_streaming::seek::read_package_file;

fn versions(repodata: &RepoData, name: &str) -> BTreeSet<String> {
    repodata
        .conda_packages
        .values()
        .chain(repodata.packages.values())
        .filter(|r| r.name.as_normalized() == name)
        .map(|r| r.version.to_string())
        .collect()
}

fn one_package_channel(dir: &std::path::Path, options: IndexOptions) -> WrittenChannel {
    LocalChannel::new(dir)
        .package(
            Package::new("pixi-build-python", "0.4.1")
                .build("h0_0")
                .subdir("noarch")
                .depends(["pixi-build-api-version >=1,<2", "python >=3.9"])
                .constrains(["pixi >=0.40"])
                .license("BSD-3-Clause")
                .summary("Python build backend")
                .home("https://pixi.sh")
                .executable("bin/pixi-build-python", b"#!/bin/sh\necho hi\n")
                .file("share/doc/README", "readme"),
        )
        .package(
            Package::new("python", "3.12.4")
                .subdir("linux-64")
                .build("h1_0"),
        )
        .write(options)
        .expect("write channel")
}

#[test]
fn package_archive_contains_index_about_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    let channel = one_package_channel(dir.path(), IndexOptions::JSON_ONLY);
    let archive = &channel.archives()[0];
    assert_eq!(
        archive,
        &channel
            .path()
            .join("noarch/pixi-build-python-0.4.1-h0_0.conda")
    );

    let index: IndexJson = read_package_file(archive).unwrap();
    assert_eq!(index.name.as_normalized(), "pixi-build-python");
    assert_eq!(index.version.to_string(), "0.4.1");
    assert_eq!(index.build, "h0_0");
    assert_eq!(index.build_number, 0);
    assert_eq!(
        index.depends,
        ["pixi-build-api-version >=1,<2", "python >=3.9"]
    );
    assert_eq!(index.constrains, ["pixi >=0.40"]);
    assert_eq!(index.license.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(index.subdir.as_deref(), Some("noarch"));
    assert!(index.noarch.is_generic());
    assert!(index.timestamp.is_some());

    let about: AboutJson = read_package_file(archive).unwrap();
    assert_eq!(about.summary.as_deref(), Some("Python build backend"));
    assert_eq!(about.license.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(about.home[0].as_str(), "https://pixi.sh/");

    let paths: PathsJson = read_package_file(archive).unwrap();
    let listed: Vec<_> = paths
        .paths
        .iter()
        .map(|p| p.relative_path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(listed, ["bin/pixi-build-python", "share/doc/README"]);
    assert_eq!(paths.paths[1].size_in_bytes, Some(6));
    assert!(paths.paths.iter().all(|p| p.sha256.is_some()));

    let linux: IndexJson = read_package_file(&channel.archives()[1]).unwrap();
    assert!(linux.noarch.is_none());
    assert_eq!(linux.arch.as_deref(), Some("x86_64"));
    assert_eq!(linux.platform.as_deref(), Some("linux"));
}

#[cfg(unix)]
#[test]
fn extracted_package_keeps_executable_bit_and_contents() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let channel = one_package_channel(&dir.path().join("chan"), IndexOptions::JSON_ONLY);
    let out = dir.path().join("extracted");
    rattler_package_streaming::fs::extract_conda(&channel.archives()[0], &out).unwrap();
    let bin = out.join("bin/pixi-build-python");
    assert_eq!(fs::read(&bin).unwrap(), b"#!/bin/sh\necho hi\n");
    assert_eq!(
        fs::metadata(&bin).unwrap().permissions().mode() & 0o777,
        0o755
    );
    let readme = out.join("share/doc/README");
    assert_eq!(
        fs::metadata(&readme).unwrap().permissions().mode() & 0o777,
        0o644
    );
}

#[test]
fn repodata_lists_packages_per_subdir() {
    let dir = tempfile::tempdir().unwrap();
    let channel = one_package_channel(dir.path(), IndexOptions::JSON_ONLY);
    assert_eq!(channel.subdirs(), ["linux-64", "noarch"]);
    let noarch = channel.repodata("noarch").unwrap();
    let record = &noarch.conda_packages.values().next().unwrap();
    assert_eq!(record.name.as_normalized(), "pixi-build-python");
    assert_eq!(
        record.depends,
        ["pixi-build-api-version >=1,<2", "python >=3.9"]
    );
    assert_eq!(record.license.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(
        versions(&channel.repodata("linux-64").unwrap(), "python"),
        BTreeSet::from(["3.12.4".into()])
    );
    assert!(
        !channel.path().join(".tmp").exists(),
        "index_fs leftovers removed"
    );
}

#[test]
fn json_only_writes_no_zst_and_no_shards() {
    let dir = tempfile::tempdir().unwrap();
    let channel = one_package_channel(dir.path(), IndexOptions::JSON_ONLY);
    for subdir in ["noarch", "linux-64"] {
        let d = channel.path().join(subdir);
        assert!(d.join("repodata.json").is_file());
        assert!(!d.join("repodata.json.zst").exists());
        assert!(!d.join("repodata_shards.msgpack.zst").exists());
    }
}

#[test]
fn full_options_write_zst_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let channel = one_package_channel(dir.path(), IndexOptions::FULL);
    for subdir in ["noarch", "linux-64"] {
        let d = channel.path().join(subdir);
        assert!(d.join("repodata.json.zst").is_file(), "{subdir}");
        assert!(d.join("repodata_shards.msgpack.zst").is_file(), "{subdir}");
        let shards = fs::read_dir(d.join("shards")).unwrap().count();
        assert_eq!(shards, 1, "{subdir}: one shard per package name");
    }
    assert!(!channel.path().join(".tmp").exists());
}

#[test]
fn empty_channel_still_has_noarch_repodata() {
    let dir = tempfile::tempdir().unwrap();
    let channel = LocalChannel::new(dir.path())
        .write(IndexOptions::FULL)
        .unwrap();
    assert_eq!(channel.subdirs(), ["noarch"]);
    assert!(
        channel
            .repodata("noarch")
            .unwrap()
            .conda_packages
            .is_empty()
    );
}

#[test]
fn tar_bz2_archives_are_indexed_under_packages() {
    let dir = tempfile::tempdir().unwrap();
    let channel = LocalChannel::new(dir.path())
        .package(
            Package::new("old-style", "1.0")
                .archive(CondaArchiveType::TarBz2)
                .file("a.txt", "a"),
        )
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    assert!(
        channel.archives()[0]
            .to_string_lossy()
            .ends_with("noarch/old-style-1.0-0.tar.bz2")
    );
    let index: IndexJson = read_package_file(&channel.archives()[0]).unwrap();
    assert_eq!(index.name.as_normalized(), "old-style");
    let repodata = channel.repodata("noarch").unwrap();
    assert_eq!(repodata.packages.len(), 1);
    assert!(repodata.conda_packages.is_empty());
}

#[test]
fn url_is_file_url_of_canonical_root() {
    let dir = tempfile::tempdir().unwrap();
    let channel = LocalChannel::new(dir.path().join("a/../chan"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let url = channel.url();
    assert_eq!(url.scheme(), "file");
    assert!(url.as_str().ends_with("/chan/"));
    assert_eq!(url.to_file_path().unwrap(), channel.path());
}

#[test]
fn rejects_invalid_fixture_packages() {
    let bad = [
        Package::new("x", "1.0").depends(["python >=3.9,,<"]),
        Package::new("x", "1.0")
            .subdir("linux-64")
            .noarch(NoArch::Python),
        Package::new("x", "1.0").subdir("not-a-subdir"),
        Package::new("x", "not a version"),
        Package::new("x", "1.0").build("a-b"),
        Package::new("x", "1.0").file("../escape", "x"),
        Package::new("x", "1.0").file("info/index.json", "{}"),
    ];
    for package in bad {
        let dir = tempfile::tempdir().unwrap();
        let err = LocalChannel::new(dir.path())
            .package(package.clone())
            .write(IndexOptions::JSON_ONLY);
        assert!(
            matches!(err, Err(ChannelError::InvalidPackage { .. })),
            "{package:?} gave {err:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let dup = LocalChannel::new(dir.path())
        .package(Package::new("x", "1.0"))
        .package(Package::new("x", "1.0"))
        .write(IndexOptions::JSON_ONLY);
    assert!(matches!(dup, Err(ChannelError::InvalidPackage { .. })));
}

#[test]
fn backend_channel_has_documented_contents() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path(), IndexOptions::FULL).unwrap();
    assert_eq!(channel.archives().len(), 67);
    assert_eq!(channel.subdirs(), ["linux-64", "noarch", "osx-arm64"]);
    let noarch = channel.repodata("noarch").unwrap();
    let linux = channel.repodata("linux-64").unwrap();
    let osx = channel.repodata("osx-arm64").unwrap();

    let all_versions: BTreeSet<String> = BACKEND_RELEASES
        .iter()
        .map(|(v, _)| v.to_string())
        .collect();
    for (name, _) in BACKENDS {
        let (here, elsewhere) = if *name == LINUX_ONLY_BACKEND {
            (&linux, &noarch)
        } else {
            (&noarch, &linux)
        };
        assert_eq!(versions(here, name), all_versions, "{name}");
        assert!(versions(elsewhere, name).is_empty(), "{name}");
        assert!(versions(&osx, name).is_empty(), "{name}");
    }
    let python_backend: Vec<_> = noarch
        .conda_packages
        .values()
        .filter(|r| r.name.as_normalized() == "pixi-build-python")
        .collect();
    for record in python_backend {
        let api = BACKEND_RELEASES
            .iter()
            .find(|(v, _)| *v == record.version.to_string())
            .unwrap()
            .1;
        assert_eq!(record.depends, [api_spec(api)]);
        assert_eq!(record.license.as_deref(), Some("BSD-3-Clause"));
    }
    let rolling = noarch
        .conda_packages
        .values()
        .find(|r| {
            r.name.as_normalized() == "pixi-build-rust" && r.version.to_string() == ROLLING_VERSION
        })
        .unwrap();
    assert_eq!(rolling.depends, ["pixi-build-api-version >=7,<8"]);
    let newest = noarch
        .conda_packages
        .values()
        .filter(|r| r.name.as_normalized() == "pixi-build-cmake")
        .max_by(|a, b| a.version.cmp(&b.version))
        .unwrap();
    assert_eq!(
        newest.version.to_string(),
        ROLLING_VERSION,
        "rolling build sorts newest"
    );

    let api: BTreeSet<String> = (0..=8).map(|n| n.to_string()).collect();
    assert_eq!(versions(&noarch, "pixi-build-api-version"), api);
    assert_eq!(
        versions(&linux, "python"),
        BTreeSet::from(["3.10.0".into(), "3.11.9".into(), "3.12.4".into()])
    );
    assert_eq!(
        versions(&osx, "numpy"),
        BTreeSet::from(["1.26.4".into(), "2.0.0".into()])
    );
    assert_eq!(
        versions(&noarch, "hatchling"),
        BTreeSet::from(["1.25.0".into(), "1.27.0".into()])
    );
    assert_eq!(
        versions(&linux, "cmake"),
        BTreeSet::from(["3.29.6".into(), "3.30.0".into()])
    );
    let ros = noarch
        .conda_packages
        .values()
        .find(|r| r.name.as_normalized() == "pixi-build-ros")
        .unwrap();
    assert!(ros.depends.contains(&"python >=3.10".to_owned()));
    assert!(ros.noarch.is_python());
}

#[test]
fn writing_again_adds_packages_and_reindexes() {
    let dir = tempfile::tempdir().unwrap();
    let first = one_package_channel(dir.path(), IndexOptions::FULL);
    let second = LocalChannel::new(dir.path())
        .package(Package::new("pixi-build-python", "0.5.0").build("h0_0"))
        .write(IndexOptions::FULL)
        .unwrap();
    assert_eq!(first.path(), second.path());
    assert_eq!(second.archives().len(), 1);
    let noarch = second.repodata("noarch").unwrap();
    assert_eq!(
        versions(&noarch, "pixi-build-python"),
        BTreeSet::from(["0.4.1".into(), "0.5.0".into()])
    );
}
