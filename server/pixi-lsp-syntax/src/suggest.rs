//! "Did you mean …?" suggestions for misspelt keys and values.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for cand in candidates {
        if cand == word {
            continue;
        }
        let score = if cand.eq_ignore_ascii_case(word)
            || cand.replace('_', "-") == lower.replace('_', "-")
        {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &cand.to_ascii_lowercase())
        };
        if score > best.map_or(0.0, |(_, s)| s) {
            best = Some((cand, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.8).map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["backend", "channels", "config", "source"];
        assert_eq!(closest("backnd", keys), Some("backend"));
        assert_eq!(closest("confg", keys), Some("config"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(
            closest("extra_args", ["extra-args", "env"]),
            Some("extra-args")
        );
    }
}
