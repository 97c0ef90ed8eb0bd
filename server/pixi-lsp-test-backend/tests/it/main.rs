//! The example backend as a real process, driven by `pixi-lsp-backend-client`
//! (and once over raw pipes, to pin the wire format independently of the
//! client's types).

mod build;
mod client;
mod misbehaviour;
mod support;
mod user_recipe;
mod variants;
mod wire;
