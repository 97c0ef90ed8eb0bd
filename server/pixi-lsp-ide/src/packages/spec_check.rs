//! Whether a dependency's spec parses, remembered across analyses: rattler's match-spec
//! parser is the costliest part of validating a large manifest, and a keystroke changes at
//! most a few specs, so each distinct spec text is parsed once per process.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use rattler_conda_types::{NamelessMatchSpec, ParseStrictness};

/// Distinct spec texts kept before the memory is dropped and starts over.
const CAPACITY: usize = 50_000;

type Parsed = Result<Arc<NamelessMatchSpec>, Arc<str>>;

/// Looked up for every dependency on every keystroke: foldhash, not SipHash.
static PARSED: LazyLock<Mutex<HashMap<String, Parsed, foldhash::fast::RandomState>>> =
    LazyLock::new(Default::default);

/// `spec` parsed as a match spec without a name, or rattler's message why it isn't one.
pub(crate) fn parse(spec: &str) -> Parsed {
    let lock = || {
        PARSED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(known) = lock().get(spec) {
        return known.clone();
    }
    let result: Parsed = NamelessMatchSpec::from_str(spec, ParseStrictness::Lenient)
        .map(Arc::new)
        .map_err(|e| Arc::from(e.to_string()));
    let mut parsed = lock();
    if parsed.len() >= CAPACITY {
        parsed.clear();
    }
    parsed.insert(spec.to_owned(), result.clone());
    result
}

/// rattler's message when `spec` is not a valid match spec (without a name).
pub(crate) fn spec_error(spec: &str) -> Option<Arc<str>> {
    parse(spec).err()
}

#[cfg(test)]
mod tests {
    use super::spec_error;

    #[test]
    fn remembers_both_verdicts() {
        for _ in 0..2 {
            assert_eq!(spec_error(">=1.2,<2"), None);
            let error = spec_error(">=1.2,,<2 <<").expect("invalid");
            assert!(!error.is_empty());
        }
    }
}
