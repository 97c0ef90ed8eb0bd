//! Paths ↔ `file:` URIs, for Unix and Windows paths alike, whichever platform the server
//! runs on: pure functions over strings, so the Windows forms are tested everywhere.
//!
//! Why not `Uri::to_file_path`: it turns a UNC URI (`file://server/share/x`) into
//! `server:\share\x`, keeps `/` separators, and keeps a client's lower-case drive letter
//! (VS Code sends `file:///c%3A/…`), so the same file had two spellings.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use tower_lsp_server::ls_types::Uri;

/// Which kind of path a URI stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    Unix,
    Windows,
}

impl PathStyle {
    /// The style of the platform we run on.
    pub const NATIVE: PathStyle = if cfg!(windows) {
        PathStyle::Windows
    } else {
        PathStyle::Unix
    };
}

/// The local file behind a `file:` URI; `None` for other schemes, relative paths and
/// (on Unix) a remote host.
pub fn path_of_uri(uri: &str, style: PathStyle) -> Option<String> {
    let scheme_end = uri.find(':')?;
    if !uri[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = &uri[scheme_end + 1..];
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(slash) => (&after[..slash], &after[slash..]),
            None => (after, ""),
        },
        None => ("", rest),
    };
    let host = percent_decode(host)?;
    let path = percent_decode(path)?;
    let local = host.is_empty() || host.eq_ignore_ascii_case("localhost");
    match style {
        PathStyle::Unix => (local && path.starts_with('/')).then_some(path),
        PathStyle::Windows => {
            if !local {
                // `file://server/share/x`: a UNC path.
                return Some(format!(r"\\{host}{}", path.replace('/', r"\")));
            }
            if let Some(unc) = path.strip_prefix("//") {
                // `file:////server/share/x`, as some clients write UNC paths.
                return Some(format!(r"\\{}", unc.replace('/', r"\")));
            }
            let bytes = path.as_bytes();
            let drive = bytes.len() >= 3
                && bytes[0] == b'/'
                && bytes[1].is_ascii_alphabetic()
                && matches!(bytes[2], b':' | b'|');
            if !drive {
                return None;
            }
            let letter = char::from(bytes[1].to_ascii_uppercase());
            let tail = path[3..].replace('/', r"\");
            let tail = if tail.is_empty() {
                r"\".to_owned()
            } else {
                tail
            };
            Some(format!("{letter}:{tail}"))
        }
    }
}

/// The `file:` URI of an absolute path; `None` for a relative one. Windows drive letters
/// are written upper-case (`file:///C:/x`), UNC paths with their host
/// (`file://server/share/x`), verbatim (`\\?\`) prefixes dropped.
pub fn uri_of_path(path: &str, style: PathStyle) -> Option<String> {
    match style {
        PathStyle::Unix => path
            .starts_with('/')
            .then(|| format!("file://{}", percent_encode(path))),
        PathStyle::Windows => {
            let path = path.replace('/', r"\");
            let path = match path.strip_prefix(r"\\?\") {
                Some(verbatim) => match verbatim.strip_prefix(r"UNC\") {
                    Some(unc) => format!(r"\\{unc}"),
                    None => verbatim.to_owned(),
                },
                None => path,
            };
            if let Some(unc) = path.strip_prefix(r"\\") {
                let (host, rest) = unc.split_once('\\').unwrap_or((unc, ""));
                if host.is_empty() {
                    return None;
                }
                let rest = rest.replace('\\', "/");
                return Some(format!(
                    "file://{}/{}",
                    percent_encode(host),
                    percent_encode(&rest)
                ));
            }
            let bytes = path.as_bytes();
            let drive = bytes.len() >= 3
                && bytes[0].is_ascii_alphabetic()
                && bytes[1] == b':'
                && bytes[2] == b'\\';
            if !drive {
                return None;
            }
            let letter = char::from(bytes[0].to_ascii_uppercase());
            let tail = path[2..].replace('\\', "/");
            Some(format!("file:///{letter}:{}", percent_encode(&tail)))
        }
    }
}

/// The local file behind `uri`, on this platform.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    path_of_uri(uri.as_str(), PathStyle::NATIVE).map(PathBuf::from)
}

/// The `file:` URI of an absolute `path`, on this platform.
pub fn to_uri(path: &Path) -> Option<Uri> {
    let text = uri_of_path(path.to_str()?, PathStyle::NATIVE)?;
    Uri::from_str(&text).ok()
}

/// Keeps what RFC 3986 allows unencoded in a path segment (and `/`); encodes the rest,
/// bytes of UTF-8 included.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `None` when an escape is malformed or the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::PathStyle::{Unix, Windows};
    use super::*;

    #[test]
    fn windows_uris_as_clients_send_them() {
        for (uri, path) in [
            // VS Code: lower-case drive, encoded colon
            ("file:///c%3A/Users/me/pixi.toml", r"C:\Users\me\pixi.toml"),
            // Neovim and most others
            ("file:///C:/Users/me/pixi.toml", r"C:\Users\me\pixi.toml"),
            ("file://localhost/D:/w/pixi.toml", r"D:\w\pixi.toml"),
            ("file:///C|/old/pixi.toml", r"C:\old\pixi.toml"),
            ("file:///C:", r"C:\"),
            ("file:///C:/a%20b/caf%C3%A9.toml", r"C:\a b\café.toml"),
            // UNC
            (
                "file://server/share/ws/pixi.toml",
                r"\\server\share\ws\pixi.toml",
            ),
            (
                "file:////server/share/ws/pixi.toml",
                r"\\server\share\ws\pixi.toml",
            ),
        ] {
            assert_eq!(path_of_uri(uri, Windows).as_deref(), Some(path), "{uri}");
        }
        for uri in ["file:///relative", "untitled:Untitled-1", "file:///C:/%zz"] {
            assert_eq!(path_of_uri(uri, Windows), None, "{uri}");
        }
    }

    #[test]
    fn windows_paths_round_trip() {
        for (path, uri) in [
            (r"C:\Users\me\pixi.toml", "file:///C:/Users/me/pixi.toml"),
            (r"c:\w\a b\#1.toml", "file:///C:/w/a%20b/%231.toml"),
            (
                r"\\server\share\ws\pixi.toml",
                "file://server/share/ws/pixi.toml",
            ),
            (r"\\?\C:\long\pixi.toml", "file:///C:/long/pixi.toml"),
            (r"\\?\UNC\server\share\x", "file://server/share/x"),
            (r"C:\é\pixi.toml", "file:///C:/%C3%A9/pixi.toml"),
        ] {
            assert_eq!(uri_of_path(path, Windows).as_deref(), Some(uri), "{path}");
            let back = path_of_uri(uri, Windows).unwrap();
            let normal = uri_of_path(&back, Windows).unwrap();
            assert_eq!(normal, uri, "{path} -> {uri} -> {back}");
            assert!(Uri::from_str(uri).is_ok(), "{uri} is not a valid URI");
        }
        assert_eq!(uri_of_path(r"relative\pixi.toml", Windows), None);
    }

    #[test]
    fn unix_paths_round_trip() {
        for (path, uri) in [
            ("/work/pixi.toml", "file:///work/pixi.toml"),
            ("/a b/c#d/é.toml", "file:///a%20b/c%23d/%C3%A9.toml"),
        ] {
            assert_eq!(uri_of_path(path, Unix).as_deref(), Some(uri));
            assert_eq!(path_of_uri(uri, Unix).as_deref(), Some(path));
        }
        assert_eq!(
            path_of_uri("file://localhost/x/pixi.toml", Unix).as_deref(),
            Some("/x/pixi.toml")
        );
        assert_eq!(path_of_uri("file://host/x", Unix), None);
        assert_eq!(uri_of_path("relative", Unix), None);
        // On Unix, a drive-letter URI names an ordinary (if odd) path.
        assert_eq!(path_of_uri("file:///C:/x", Unix).as_deref(), Some("/C:/x"));
    }
}
