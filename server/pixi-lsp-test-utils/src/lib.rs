//! Test fixtures shared by the pixi-lsp crates (a dev-dependency only):
//! real local conda channels on disk, and a loopback HTTP server that can
//! misbehave on demand. Nothing here touches the network beyond 127.0.0.1 or
//! the developer's home directory. Must not depend on any pixi-lsp crate.
//!
//! # Local channels
//!
//! ```no_run
//! use pixi_lsp_test_utils::{IndexOptions, LocalChannel, Package};
//! # fn main() -> Result<(), pixi_lsp_test_utils::ChannelError> {
//! let dir = tempfile::tempdir().unwrap();
//! let channel = LocalChannel::new(dir.path())
//!     .package(
//!         Package::new("pixi-build-python", "0.4.1")
//!             .build("h0_0")
//!             .subdir("noarch")
//!             .depends(["pixi-build-api-version >=1,<2", "python >=3.9"])
//!             .license("BSD-3-Clause")
//!             .summary("Python build backend")
//!             .home("https://pixi.sh")
//!             .executable("bin/pixi-build-python", "#!/bin/sh\n"),
//!     )
//!     .write(IndexOptions { shards: true, zst: true })?;
//! let url = channel.url(); // file:///…/ (trailing slash)
//! # Ok(()) }
//! ```
//!
//! Each package is a real archive (`.conda` by default, written by
//! `rattler_package_streaming::write`) holding `info/index.json` (name,
//! version, build, build_number, depends, constrains, license, subdir,
//! timestamp, plus `noarch` in the noarch subdir or `arch`/`platform`
//! elsewhere), `info/about.json` (summary, license, home), `info/paths.json`
//! (sha256 + size per file) and its files. [`LocalChannel::write`] then runs
//! `rattler_index::index_fs`, removes the empty `.tmp/` it leaves, and checks
//! that every subdir's `repodata.json` parses and lists its packages, and that
//! `repodata.json.zst` / `repodata_shards.msgpack.zst` + `shards/` exist when
//! asked for. `noarch/repodata.json` always exists.
//!
//! # `backend_channel`: exact contents
//!
//! [`backend_channel`] (`backend_packages()` for the bare list) writes 67 packages:
//!
//! * Backends ([`BACKENDS`]): `pixi-build-cmake`, `-mojo`, `-python`, `-r`,
//!   `-rattler-build`, `-ros`, `-rust`. Each in versions `0.1.0`, `0.2.0`,
//!   `0.3.0`, `0.4.0`, `0.4.1` and the rolling `0.4.2.20260301.1234.abcdef1`
//!   ([`ROLLING_VERSION`], newest), build `h4616a5c_0`, license
//!   `BSD-3-Clause`, summary "<Lang> build backend for pixi" (see
//!   [`BACKENDS`]), home `https://github.com/prefix-dev/pixi-build-backends`,
//!   one executable `bin/<name>`. Versions depend on `pixi-build-api-version`
//!   ([`BACKEND_RELEASES`]):
//!
//!   | version | depends |
//!   |---|---|
//!   | 0.1.0 | `pixi-build-api-version >=0,<1` |
//!   | 0.2.0 | `pixi-build-api-version >=1,<2` |
//!   | 0.3.0 | `pixi-build-api-version >=3,<4` |
//!   | 0.4.0 | `pixi-build-api-version >=5,<6` |
//!   | 0.4.1 | `pixi-build-api-version >=6,<7` |
//!   | 0.4.2.20260301.1234.abcdef1 | `pixi-build-api-version >=7,<8` |
//!
//!   All are `noarch: generic`, except `pixi-build-mojo`
//!   ([`LINUX_ONLY_BACKEND`]): `linux-64` only; and `pixi-build-ros`
//!   ([`PYTHON_NOARCH_BACKEND`]): `noarch: python`, also depends on
//!   `python >=3.10`.
//! * `pixi-build-api-version` `0` … `8` ([`MAX_API_VERSION`]; no backend
//!   needs 8): noarch generic, build `0`, license `BSD-3-Clause`.
//! * Ordinary packages ([`ORDINARY`]), build `h4616a5c_0` (noarch:
//!   `pyh4616a5c_0`), one file `share/<name>/VERSION`:
//!   * `python` 3.10.0, 3.11.9, 3.12.4 — linux-64 + osx-arm64, `Python-2.0`,
//!     "General purpose programming language", no depends;
//!   * `numpy` 1.26.4, 2.0.0 — linux-64 + osx-arm64, `BSD-3-Clause`,
//!     depends `python >=3.10,<3.13`;
//!   * `hatchling` 1.25.0, 1.27.0 — noarch python, `MIT`, depends `python >=3.8`;
//!   * `cmake` 3.29.6, 3.30.0 — linux-64 + osx-arm64, `BSD-3-Clause`, no depends.
//!
//! Subdirs with repodata: `linux-64`, `noarch`, `osx-arm64`. Every
//! `index.json` timestamp is [`DEFAULT_TIMESTAMP_MS`] (2026-01-01T00:00:00Z).
//!
//! # HTTP server
//!
//! [`TestServer::serve`]`(dir)` serves a directory on `127.0.0.1:0`;
//! `server.url()` is `http://127.0.0.1:PORT/`. GET and HEAD, `Content-Length`
//! and `Content-Type` always, `Connection: close`, never `304`.
//! [`TestServer::set_mode`] makes a path prefix misbehave ([`Mode`]),
//! [`TestServer::replace`] swaps a file's bytes between requests, and
//! [`TestServer::requests`] is the request log.

mod backends;
mod channel;
pub mod fixture;
mod http;
mod package;
pub mod upstream;

pub use backends::{
    BACKEND_BUILD, BACKEND_RELEASES, BACKENDS, LINUX_ONLY_BACKEND, MAX_API_VERSION, ORDINARY,
    OrdinaryPackage, PYTHON_NOARCH_BACKEND, ROLLING_VERSION, api_spec, backend_channel,
    backend_packages,
};
pub use channel::{ChannelError, IndexOptions, LocalChannel, WrittenChannel, index_archives};
pub use http::{GARBAGE_BODY, MAX_CONNECTIONS, Mode, TestServer};
pub use package::{DEFAULT_TIMESTAMP_MS, NoArch, Package};
pub use rattler_conda_types::package::CondaArchiveType;
