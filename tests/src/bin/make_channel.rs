//! Writes the test backend channel (see `pixi_lsp_test_utils::backend_channel`) into a
//! directory, for tests outside Rust (the editor tests) that need a real local channel.
//!
//! `pixi-lsp-make-channel DIR` prints the channel's `file://` URL.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: pixi-lsp-make-channel DIR");
        return ExitCode::from(2);
    };
    match pixi_lsp_test_utils::backend_channel(dir, pixi_lsp_test_utils::IndexOptions::default()) {
        Ok(channel) => {
            println!("{}", channel.url());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pixi-lsp-make-channel: {e}");
            ExitCode::FAILURE
        }
    }
}
