//! One test binary (linking the rattler crates is the slow part).
mod channel;
mod gateway;
mod http;
