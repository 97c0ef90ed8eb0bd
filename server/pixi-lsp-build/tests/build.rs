//! The build orchestrator with real parts: a local channel written by test-utils, the
//! example backend (`pixi-build-lsp-example`, which builds with rattler-build as a
//! library) run through an override, rattler solving and installing the build and host
//! prefixes, and the `.conda` read back with rattler_package_streaming.
//!
//! The backend binary is `target/debug/test-backend-under-test`
//! (`cargo build -p pixi-lsp-tests --bin test-backend-under-test`); without it these
//! tests say so and pass.
// A skipped test says why on stderr.
#![allow(clippy::print_stderr)]

mod common;

use common::*;

#[tokio::test]
async fn builds_a_conda_with_the_host_dependency_installed_then_reuses_it() {
    let backend = require_backend!();
    let fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let events = Events::default();

    let outcome = fx.build(&events).await.unwrap();
    let seen = events.take();
    assert_eq!(
        Events::stages(&seen),
        [
            BuildStage::InstallingBackend,
            BuildStage::QueryingOutputs,
            BuildStage::SolvingBuildEnv,
            BuildStage::SolvingHostEnv,
            BuildStage::InstallingEnvs,
            BuildStage::Building,
            BuildStage::Done,
        ]
    );
    let percents: Vec<u8> = seen
        .iter()
        .filter_map(|e| match e {
            BuildEvent::Stage { percent, .. } => Some(*percent),
            _ => None,
        })
        .collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    assert_eq!(percents.last(), Some(&100));
    assert!(
        seen.iter()
            .any(|e| matches!(e, BuildEvent::Log(l) if l.contains("rattler-build wrote"))),
        "the backend's log is streamed"
    );

    let [artifact] = outcome.artifacts.as_slice() else {
        panic!("one output expected: {outcome:?}");
    };
    assert!(!artifact.cached);
    assert_eq!(
        artifact.path,
        fx.root.join("out/noarch/hello-0.1.0-h4616a5c_0.conda")
    );
    assert_eq!(fx.conda_files(), std::slice::from_ref(&artifact.path));
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&artifact.path).unwrap();
    assert_eq!(index.name.as_normalized(), "hello");
    assert_eq!(index.version.to_string(), "0.1.0");
    assert_eq!(index.depends, ["tinypy >=3"]);

    // The host prefix got the host dependency (the newest matching).
    let work = &fx.request.package.work_dir;
    assert!(work.starts_with(fx.root.join("ws/.pixi/build/work")));
    assert!(
        work.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("hello--")
    );
    // pixi's padded host prefix (room for relocating binaries).
    let host = &artifact.host_prefix;
    assert_eq!(host.parent(), Some(work.as_path()));
    assert_eq!(host.as_os_str().len(), 255);
    assert_eq!(artifact.build_prefix, work.join("bld"));
    assert_eq!(
        std::fs::read_to_string(host.join("share/tinypy/VERSION")).unwrap(),
        "3.12.1"
    );
    assert!(
        std::fs::read_dir(host.join("conda-meta"))
            .unwrap()
            .flatten()
            .any(|e| e
                .file_name()
                .to_string_lossy()
                .starts_with("tinypy-3.12.1-"))
    );
    assert_eq!(
        artifact.host_packages.len(),
        1,
        "{:?}",
        artifact.host_packages
    );
    assert!(artifact.host_packages[0].starts_with("tinypy=3.12.1="));
    // The build prefix got the build dependency, in the version only it admits.
    assert_eq!(
        std::fs::read_to_string(work.join("bld/share/tinypy/VERSION")).unwrap(),
        "3.11.0"
    );
    assert_eq!(artifact.build_packages.len(), 1);
    assert!(artifact.build_packages[0].starts_with("tinypy=3.11.0="));

    // Debug files: ours and the backend's.
    for file in [
        "project_model.json",
        "build_params.json",
        "build_response.json",
        "conda_build_v1_params.json",
        "recipe.yaml",
    ] {
        assert!(work.join("debug").join(file).is_file(), "debug/{file}");
    }
    let params: Value = serde_json::from_str(
        &std::fs::read_to_string(work.join("debug/build_params.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        params["hostPrefix"]["prefix"],
        json!(host.display().to_string())
    );
    assert_eq!(params["hostPrefix"]["packages"][0]["name"], "tinypy");
    assert_eq!(params["hostPrefix"]["packages"][0]["version"], "3.12.1");
    assert_eq!(
        params["outputDirectory"],
        json!(fx.root.join("out").display().to_string())
    );
    let response: Value = serde_json::from_str(
        &std::fs::read_to_string(work.join("debug/build_response.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        response["output_file"],
        json!(artifact.path.display().to_string())
    );

    // Unchanged inputs: the cache answers, nothing is installed or built.
    let again = fx.build(&events).await.unwrap();
    let seen = events.take();
    let [cached] = again.artifacts.as_slice() else {
        panic!("{again:?}")
    };
    assert!(cached.cached);
    assert_eq!(cached.path, artifact.path);
    assert_eq!(cached.cache_key, artifact.cache_key);
    assert!(
        seen.iter()
            .any(|e| matches!(e, BuildEvent::CacheHit { .. }))
    );
    assert!(!Events::stages(&seen).contains(&BuildStage::Building));

    // `rebuild` bypasses it.
    let mut rebuild = fx.request.clone();
    rebuild.rebuild = true;
    let rebuilt = fx
        .build_with(&rebuild, &events, &Cancel::never())
        .await
        .unwrap();
    assert!(!rebuilt.artifacts[0].cached);
    assert!(Events::stages(&events.take()).contains(&BuildStage::Building));

    // A changed source file changes the key.
    std::fs::write(fx.root.join("ws/pkg/src/hello.txt"), "hello again\n").unwrap();
    let changed = fx.build(&events).await.unwrap();
    assert!(!changed.artifacts[0].cached);
    assert_ne!(changed.artifacts[0].cache_key, artifact.cache_key);
}

#[tokio::test]
async fn concurrent_builds_of_one_package_take_turns() {
    let backend = require_backend!();
    let fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let (first, second) = (Events::default(), Events::default());
    let (a, b) = tokio::join!(fx.build(&first), fx.build(&second));
    let mut cached = [
        a.unwrap().artifacts[0].cached,
        b.unwrap().artifacts[0].cached,
    ];
    cached.sort();
    assert_eq!(
        cached,
        [false, true],
        "the second waits, then finds the first's artifact"
    );
    assert_eq!(fx.conda_files().len(), 1);
}

#[tokio::test]
async fn unsatisfiable_host_dependency_is_a_readable_solve_error() {
    let backend = require_backend!();
    let fx = Fixture::new(
        &backend,
        json!({"tinypy": {"binary": {"version": ">=99"}}}),
        json!({}),
    );
    let events = Events::default();
    let err = fx.build(&events).await.unwrap_err();
    let text = err.to_string();
    eprintln!("{text}");
    assert!(
        matches!(err, BuildError::Unsolvable { env: "host", .. }),
        "{err:?}"
    );
    assert!(
        text.starts_with("could not solve the host environment of `hello`"),
        "{text}"
    );
    assert!(text.contains("tinypy >=99"), "{text}");
    assert!(!Events::stages(&events.take()).contains(&BuildStage::Building));
    assert!(fx.conda_files().is_empty());
}

/// An architecture-specific output (`"noarch": false` on the wire, as real backends send
/// it) builds into the platform's subdir.
#[tokio::test]
async fn a_platform_output_builds_into_its_subdir() {
    let backend = require_backend!();
    let mut fx = Fixture::new(&backend, tinypy_host(), json!({}));
    fx.request.package.configuration = json!({ "noarch": false });
    let outcome = fx.build(&Events::default()).await.unwrap();
    let [artifact] = &outcome.artifacts[..] else {
        panic!("{outcome:?}")
    };
    let platform = fx.request.package.host_platform.as_str();
    assert!(
        artifact.path.parent().unwrap().ends_with(platform),
        "{artifact:?}"
    );
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&artifact.path).unwrap();
    assert_eq!(index.subdir.as_deref(), Some(platform));
    assert!(index.noarch.is_none());
}

/// Offline without conda-forge, a compiler-using backend asks for several packages the
/// channels lack: all of them are named, not only the one the solver met first.
#[tokio::test]
async fn packages_missing_from_the_channels_are_all_named() {
    let backend = require_backend!();
    let fx = Fixture::new(
        &backend,
        json!({
            "ninja": {"binary": {"version": "*"}},
            "cmake": {"binary": {"version": ">=3"}},
            "tinypy": {"binary": {"version": ">=3"}}
        }),
        json!({}),
    );
    let err = fx.build(&Events::default()).await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, BuildError::Unsolvable { env: "host", .. }),
        "{err:?}"
    );
    let url = fx.request.package.channels[0].as_str();
    assert!(
        text.ends_with(&format!(
            "no package named `cmake`, `ninja` in the channels ({url}) for {} or noarch",
            fx.request.package.host_platform.as_str()
        )),
        "{text}"
    );
}

#[tokio::test]
async fn backend_failing_in_the_build_leaves_no_artifact() {
    let backend = require_backend!();
    let fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let events = Events::default();
    let good = fx.build(&events).await.unwrap().artifacts[0].path.clone();
    let good_bytes = std::fs::read(&good).unwrap();
    std::fs::remove_file(&good).unwrap();

    // The backend lists it as a file to package; its build script cannot copy it.
    std::os::unix::fs::symlink("does-not-exist", fx.root.join("ws/pkg/src/broken")).unwrap();
    events.take();
    let err = fx.build(&events).await.unwrap_err();
    eprintln!("{err}");
    assert!(
        matches!(
            err,
            BuildError::Backend {
                stage: "conda/build_v1",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(Events::stages(&events.take()).contains(&BuildStage::Building));
    assert!(fx.conda_files().is_empty(), "{:?}", fx.conda_files());
    assert!(
        fx.request
            .package
            .work_dir
            .join("debug/build_error.json")
            .is_file()
    );

    // An artifact from an earlier build that the failed one did not touch stays.
    std::fs::write(&good, &good_bytes).unwrap();
    fx.build(&events).await.unwrap_err();
    assert_eq!(fx.conda_files(), std::slice::from_ref(&good));
    assert_eq!(std::fs::read(&good).unwrap(), good_bytes);
}

#[tokio::test]
async fn backend_failing_on_outputs_is_reported_with_its_message() {
    let backend = require_backend!();
    let fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let mut request = fx.request.clone();
    request.package.configuration = json!({"fail": "refusing to build on purpose"});
    let err = fx
        .build_with(&request, &Events::default(), &Cancel::never())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("refusing to build on purpose"),
        "{err}"
    );
    assert!(fx.conda_files().is_empty());
}

#[tokio::test]
async fn cancelling_during_the_build_kills_the_backend() {
    let backend = require_backend!();
    let fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let (handle, cancel) = Cancel::new();
    let handle = Arc::new(handle);
    let pid = Arc::new(Mutex::new(None));
    // Cancelled while `conda/build_v1` runs: on the first line the backend logs after
    // the build started.
    let building = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sink = {
        let (handle, pid, building) = (handle.clone(), pid.clone(), building.clone());
        move |event: BuildEvent| match event {
            BuildEvent::BackendStarted { pid: p, .. } => *pid.lock().unwrap() = p,
            BuildEvent::Stage {
                stage: BuildStage::Building,
                ..
            } => building.store(true, std::sync::atomic::Ordering::SeqCst),
            BuildEvent::Log(line) if building.load(std::sync::atomic::Ordering::SeqCst) => {
                eprintln!("cancelling on: {line}");
                handle.cancel();
            }
            _ => {}
        }
    };
    let err = build_package(
        &fx.resolver,
        &fx.overrides,
        &fx.request,
        &NoPathDependencies,
        sink,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, BuildError::Cancelled), "{err:?}");
    let pid = pid.lock().unwrap().expect("the backend was started");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    assert!(
        status.is_empty(),
        "backend {pid} still exists after cancellation: {status}"
    );
    assert!(fx.conda_files().is_empty());
}

#[tokio::test]
async fn cancelled_before_starting_does_nothing() {
    let backend = require_backend!();
    let fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let (handle, cancel) = Cancel::new();
    handle.cancel();
    let events = Events::default();
    let err = fx
        .build_with(&fx.request, &events, &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, BuildError::Cancelled));
    assert!(events.take().is_empty());
    assert!(!fx.request.package.work_dir.exists());
}

#[test]
fn host_platform_defaults_to_the_given_platform() {
    let request = BuildRequest::new(
        "/ws/pkg/pixi.toml".into(),
        "/ws".into(),
        BackendSpec::new(BACKEND, vec![]),
        ProjectModel {
            name: Some("hello".into()),
            ..Default::default()
        },
        vec![],
        Subdir::Linux64,
        "/out".into(),
    );
    assert_eq!(request.build_platform, Subdir::Linux64);
    assert!(
        request
            .package
            .work_dir
            .to_string_lossy()
            .starts_with("/ws/.pixi/build/work/hello--"),
        "{}",
        request.package.work_dir.display()
    );
    assert!(!request.rebuild);
}

#[tokio::test]
async fn an_unwritable_output_directory_is_refused_before_the_backend_runs() {
    let backend = require_backend!();
    let mut fx = Fixture::new(&backend, tinypy_host(), json!({}));
    // A regular file where a directory should be: not writable, even for root.
    let blocker = fx.root.join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    fx.request.output_dir = blocker.join("out");
    let events = Events::default();
    let err = fx.build(&events).await.unwrap_err();
    assert!(matches!(err, BuildError::OutputDir { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("cannot write to the output directory"),
        "{err}"
    );
    assert!(
        !events
            .take()
            .iter()
            .any(|e| matches!(e, BuildEvent::BackendStarted { .. })),
        "no backend started"
    );
}

/// A disk that fills up while the backend writes: the backend runs with a file-size limit
/// (`ulimit -f`, SIGXFSZ ignored, so writes fail with EFBIG as on a full disk).
#[tokio::test]
async fn a_disk_that_fills_up_mid_build_fails_cleanly_and_leaves_no_artifact() {
    let backend = require_backend!();
    let mut fx = Fixture::new(&backend, tinypy_host(), json!({}));
    fx.wrap_backend(&backend, "trap '' XFSZ\nulimit -f 64");
    // Incompressible content well over the limit.
    let big: Vec<u8> = (0..400_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(fx.root.join("ws/pkg/src/big.bin"), big).unwrap();
    let events = Events::default();
    let err = fx.build(&events).await.unwrap_err();
    eprintln!("{err}\n{}", err.stderr_tail().unwrap_or_default());
    assert!(
        matches!(
            &err,
            BuildError::Backend {
                stage: "conda/build_v1",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("File too large"),
        "the cause is in the message: {err}"
    );
    assert!(fx.conda_files().is_empty(), "{:?}", fx.conda_files());
    let pid = events.take().iter().find_map(|e| match e {
        BuildEvent::BackendStarted { pid, .. } => *pid,
        _ => None,
    });
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", pid.unwrap())).unwrap_or_default();
    assert!(
        status.is_empty() || status.contains("State:\tZ"),
        "{status}"
    );
}

#[tokio::test]
async fn cancelling_kills_the_processes_the_backend_started() {
    let backend = require_backend!();
    let mut fx = Fixture::new(&backend, tinypy_host(), json!({}));
    let pidfile = fx.root.join("helper.pid");
    // The backend starts a helper (as a build script starts a compiler), then hangs.
    fx.wrap_backend(
        &backend,
        &format!(
            "sleep 300 &\necho $! > '{}'\nexport PIXI_BUILD_LSP_EXAMPLE_MODE=hang-on-outputs",
            pidfile.display()
        ),
    );
    let (handle, cancel) = Cancel::new();
    let watched = pidfile.clone();
    tokio::spawn(async move {
        while !watched.exists() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        handle.cancel();
    });
    let err = fx
        .build_with(&fx.request, &Events::default(), &cancel)
        .await
        .unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    let helper: u32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !process_gone(helper) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        process_gone(helper),
        "the backend's helper {helper} survived the cancel: {}",
        std::fs::read_to_string(format!("/proc/{helper}/stat")).unwrap_or_default()
    );
}

#[tokio::test]
async fn the_cache_fingerprints_only_the_files_the_backend_names_as_inputs() {
    let backend = require_backend!();
    let mut fx = Fixture::new(&backend, tinypy_host(), json!({}));
    // The example backend reports `files` as its input globs.
    fx.request.package.configuration = json!({"files": ["src/**"]});
    let events = Events::default();
    let first = fx.build(&events).await.unwrap();
    assert!(!first.artifacts[0].cached);
    // Not an input: still a cache hit.
    std::fs::write(fx.root.join("ws/pkg/NOTES.md"), "not packaged\n").unwrap();
    let again = fx.build(&events).await.unwrap();
    assert!(
        again.artifacts[0].cached,
        "an unrelated file forced a rebuild"
    );
    // An input: built again.
    std::fs::write(fx.root.join("ws/pkg/src/new.txt"), "packaged\n").unwrap();
    let changed = fx.build(&events).await.unwrap();
    assert!(!changed.artifacts[0].cached);
}
