use std::time::{Duration, Instant};

use pixi_lsp_backend_client::{
    BackendCommand, BackendError, BackendProcess, CallOptions, CancelToken,
};

use crate::support::{Fixture, ready, reaped, spawn};

#[tokio::test]
async fn crash_on_initialize_reports_exit_code_and_stderr() {
    let fx = Fixture::new();
    let backend = spawn(Some("crash-on-initialize"));
    let pid = backend.pid().unwrap();
    let err = backend
        .handshake(&fx.init(None), &CallOptions::default())
        .await
        .unwrap_err();
    let BackendError::Exited { code, stderr_tail } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*code, Some(3));
    assert!(stderr_tail.contains("crashing on purpose"), "{stderr_tail}");
    assert!(
        err.to_string().contains("exited prematurely (exit code 3)"),
        "{err}"
    );
    assert!(reaped(pid));
    let again = backend
        .negotiate_capabilities(&Default::default(), &CallOptions::default())
        .await;
    assert!(
        matches!(again, Err(BackendError::Terminated { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn hang_on_outputs_times_out_and_kills() {
    let fx = Fixture::new();
    let backend = ready(Some("hang-on-outputs"), &fx.init(None)).await;
    let pid = backend.pid().unwrap();
    let started = Instant::now();
    let err = backend
        .conda_outputs(
            &fx.outputs(),
            &CallOptions::timeout(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::Timeout { ref method, .. } if method == "conda/outputs"),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(reaped(pid));
    let again = backend
        .conda_outputs(&fx.outputs(), &CallOptions::default())
        .await;
    assert!(
        matches!(again, Err(BackendError::Terminated { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn cancelling_a_call_kills_the_backend() {
    let fx = Fixture::new();
    let backend = ready(Some("hang-on-outputs"), &fx.init(None)).await;
    let pid = backend.pid().unwrap();
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let options = CallOptions {
        timeout: None,
        cancel: Some(cancel),
    };
    let err = backend
        .conda_outputs(&fx.outputs(), &options)
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Cancelled), "{err:?}");
    assert!(reaped(pid));
}

#[tokio::test]
async fn garbage_on_stdout_is_a_protocol_error() {
    let fx = Fixture::new();
    let backend = spawn(Some("garbage-stdout"));
    let pid = backend.pid().unwrap();
    let err = backend
        .handshake(&fx.init(None), &CallOptions::default())
        .await
        .unwrap_err();
    let BackendError::Protocol(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("garbage on stdout"), "{message}");
    assert!(message.contains("this line is not JSON-RPC"), "{message}");
    assert!(reaped(pid));
}

#[tokio::test]
async fn error_on_outputs_carries_the_backend_message_chain() {
    let fx = Fixture::new();
    let backend = ready(Some("error-on-outputs"), &fx.init(None)).await;
    let err = backend
        .conda_outputs(&fx.outputs(), &CallOptions::default())
        .await
        .unwrap_err();
    let BackendError::Backend {
        code,
        message,
        data,
        stderr_tail,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*code, -32000);
    assert_eq!(message, "the example backend failed on purpose");
    assert_eq!(data.as_ref().unwrap()["severity"], "error");
    assert!(stderr_tail.contains("handling initialize"), "{stderr_tail}");
    // The line it logged just before answering is in the tail (regression: it raced the
    // response and was often missing).
    assert!(
        stderr_tail
            .lines()
            .last()
            .is_some_and(|l| l.contains("ERROR the example backend failed on purpose")),
        "{stderr_tail}"
    );
    assert_eq!(
        err.to_string(),
        "the example backend failed on purpose\n  caused by: PIXI_BUILD_LSP_EXAMPLE_MODE=error-on-outputs"
    );
    // A JSON-RPC error leaves the process usable.
    backend
        .negotiate_capabilities(&Default::default(), &CallOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_recipe_succeeds_but_writes_invalid_yaml() {
    let fx = Fixture::new();
    let backend = ready(Some("bad-recipe"), &fx.init(None)).await;
    let result = backend
        .conda_outputs(&fx.outputs(), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(result.outputs.len(), 1);
    let recipe = std::fs::read_to_string(fx.work().join("debug/recipe.yaml")).unwrap();
    assert!(recipe.contains("[unclosed"), "{recipe}");
}

#[tokio::test]
async fn missing_executable_is_a_spawn_error() {
    let Err(err) = BackendProcess::spawn(BackendCommand::new("pixi-build-does-not-exist")) else {
        panic!("spawned a missing program")
    };
    assert!(matches!(err, BackendError::Spawn { .. }));
    assert_eq!(
        err.to_string(),
        "the build backend executable 'pixi-build-does-not-exist' appears to be missing"
    );
}

#[tokio::test]
async fn dropping_the_handle_kills_and_reaps() {
    let fx = Fixture::new();
    let backend = ready(None, &fx.init(None)).await;
    let pid = backend.pid().unwrap();
    drop(backend);
    assert!(reaped(pid));
}

#[tokio::test]
async fn an_abandoned_call_does_not_desynchronise_the_next_one() {
    let fx = Fixture::new();
    let backend = ready(None, &fx.init(None)).await;
    // Drop the future right after the request went out (a caller-side select).
    let abandoned = tokio::time::timeout(
        Duration::from_micros(1),
        backend.conda_outputs(&fx.outputs(), &CallOptions::default()),
    )
    .await;
    drop(abandoned);
    let result = backend
        .conda_outputs(&fx.outputs(), &CallOptions::default())
        .await;
    // Either the stale answer was skipped, or the half-written request ended the process.
    assert!(
        matches!(result, Ok(_) | Err(BackendError::Terminated { .. })),
        "{result:?}"
    );
}
