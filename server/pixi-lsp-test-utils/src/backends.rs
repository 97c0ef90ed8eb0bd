//! A realistic pixi-build-backends channel for the language server's tests.
//! The exact contents are listed in the crate docs; the constants here are
//! the single source of truth for them.

use std::path::PathBuf;

use crate::channel::{ChannelError, IndexOptions, LocalChannel, WrittenChannel};
use crate::package::{NoArch, Package};

/// Every backend in [`backend_channel`], sorted, with its `about.json` summary.
pub const BACKENDS: &[(&str, &str)] = &[
    ("pixi-build-cmake", "CMake build backend for pixi"),
    ("pixi-build-mojo", "Mojo build backend for pixi"),
    ("pixi-build-python", "Python build backend for pixi"),
    ("pixi-build-r", "R build backend for pixi"),
    (
        "pixi-build-rattler-build",
        "rattler-build recipe backend for pixi",
    ),
    ("pixi-build-ros", "ROS build backend for pixi"),
    ("pixi-build-rust", "Rust build backend for pixi"),
];

/// The one backend that only exists for `linux-64` (all its versions).
pub const LINUX_ONLY_BACKEND: &str = "pixi-build-mojo";

/// The `noarch: python` backend; it also depends on `python >=3.10`.
pub const PYTHON_NOARCH_BACKEND: &str = "pixi-build-ros";

/// The rolling ("nightly") version. pixi-build-backends CI versions rolling
/// builds as `<cargo version>.<YYYYMMDD>.<HHMM>.<git short hash>`; it sorts
/// above every release here.
pub const ROLLING_VERSION: &str = "0.4.2.20260301.1234.abcdef1";

/// `(backend version, N)`: each backend version depends on
/// `pixi-build-api-version >=N,<N+1`. The same table for every backend.
pub const BACKEND_RELEASES: &[(&str, u32)] = &[
    ("0.1.0", 0),
    ("0.2.0", 1),
    ("0.3.0", 3),
    ("0.4.0", 5),
    ("0.4.1", 6),
    (ROLLING_VERSION, 7),
];

/// Build string of every backend package.
pub const BACKEND_BUILD: &str = "h4616a5c_0";

/// `pixi-build-api-version` exists as versions `0` to this one (`noarch`,
/// build `0`). The newest has no backend requiring it yet.
pub const MAX_API_VERSION: u32 = 8;

/// One ordinary (non-backend) package of [`backend_channel`]: every version
/// is written for every subdir.
#[derive(Clone, Copy, Debug)]
pub struct OrdinaryPackage {
    pub name: &'static str,
    pub versions: &'static [&'static str],
    pub subdirs: &'static [&'static str],
    pub depends: &'static [&'static str],
    pub license: &'static str,
    pub summary: &'static str,
}

/// The ordinary packages of [`backend_channel`].
pub const ORDINARY: &[OrdinaryPackage] = &[
    OrdinaryPackage {
        name: "python",
        versions: &["3.10.0", "3.11.9", "3.12.4"],
        subdirs: &["linux-64", "osx-arm64"],
        depends: &[],
        license: "Python-2.0",
        summary: "General purpose programming language",
    },
    OrdinaryPackage {
        name: "numpy",
        versions: &["1.26.4", "2.0.0"],
        subdirs: &["linux-64", "osx-arm64"],
        depends: &["python >=3.10,<3.13"],
        license: "BSD-3-Clause",
        summary: "The fundamental package for scientific computing with Python",
    },
    OrdinaryPackage {
        name: "hatchling",
        versions: &["1.25.0", "1.27.0"],
        subdirs: &["noarch"],
        depends: &["python >=3.8"],
        license: "MIT",
        summary: "Modern, extensible Python build backend",
    },
    OrdinaryPackage {
        name: "cmake",
        versions: &["3.29.6", "3.30.0"],
        subdirs: &["linux-64", "osx-arm64"],
        depends: &[],
        license: "BSD-3-Clause",
        summary: "CMake is an extensible, open-source system that manages the build process",
    },
];

/// `pixi-build-api-version >=N,<N+1`.
pub fn api_spec(api: u32) -> String {
    format!("pixi-build-api-version >={api},<{}", api + 1)
}

/// All packages of [`backend_channel`], so a test can add its own before
/// writing: `LocalChannel::new(dir).packages(backend_packages()).package(..)`.
pub fn backend_packages() -> Vec<Package> {
    let mut packages = Vec::new();
    for &(name, summary) in BACKENDS {
        for &(version, api) in BACKEND_RELEASES {
            let script = format!("#!/bin/sh\necho \"{name} {version}\"\n");
            let mut package = Package::new(name, version)
                .build(BACKEND_BUILD)
                .depends([api_spec(api)])
                .license("BSD-3-Clause")
                .summary(summary)
                .home("https://github.com/prefix-dev/pixi-build-backends")
                .executable(format!("bin/{name}"), script);
            if name == LINUX_ONLY_BACKEND {
                package = package.subdir("linux-64");
            } else if name == PYTHON_NOARCH_BACKEND {
                package = package.noarch(NoArch::Python).depends(["python >=3.10"]);
            }
            packages.push(package);
        }
    }
    for api in 0..=MAX_API_VERSION {
        packages.push(
            Package::new("pixi-build-api-version", api.to_string())
                .license("BSD-3-Clause")
                .summary("Marks the pixi build backend API version")
                .home("https://pixi.sh"),
        );
    }
    for &OrdinaryPackage {
        name,
        versions,
        subdirs,
        depends,
        license,
        summary,
    } in ORDINARY
    {
        for &version in versions {
            for &subdir in subdirs {
                let mut package = Package::new(name, version)
                    .subdir(subdir)
                    .build(if subdir == "noarch" {
                        "pyh4616a5c_0"
                    } else {
                        "h4616a5c_0"
                    })
                    .depends(depends.iter().copied())
                    .license(license)
                    .summary(summary)
                    .file(format!("share/{name}/VERSION"), version);
                if subdir == "noarch" {
                    package = package.noarch(NoArch::Python);
                }
                packages.push(package);
            }
        }
    }
    packages
}

/// Writes and indexes the channel described in the crate docs into `dir`.
pub fn backend_channel(
    dir: impl Into<PathBuf>,
    options: IndexOptions,
) -> Result<WrittenChannel, ChannelError> {
    LocalChannel::new(dir)
        .packages(backend_packages())
        .write(options)
}
