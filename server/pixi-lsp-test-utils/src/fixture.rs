//! Text fixtures with a cursor: `$0` marks the offset a test asks about, as in
//! rust-analyzer's fixtures, so a test reads like the editor state it describes.

/// The marker of the cursor in a fixture.
pub const CURSOR: &str = "$0";

/// The text without its marker, and the byte offset where the marker was. Panics when the
/// fixture has no marker or more than one: a fixture that forgot its cursor would test
/// offset 0 silently.
pub fn cursor(fixture: &str) -> (String, usize) {
    let offset = fixture
        .find(CURSOR)
        .unwrap_or_else(|| panic!("the fixture has no `{CURSOR}` cursor:\n{fixture}"));
    assert!(
        !fixture[offset + CURSOR.len()..].contains(CURSOR),
        "the fixture has more than one `{CURSOR}` cursor:\n{fixture}"
    );
    (fixture.replacen(CURSOR, "", 1), offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_removes_the_cursor() {
        assert_eq!(cursor("[package.b$0\n"), ("[package.b\n".to_owned(), 10));
    }

    #[test]
    #[should_panic(expected = "no `$0` cursor")]
    fn a_fixture_without_a_cursor_is_refused() {
        cursor("[package]\n");
    }

    #[test]
    #[should_panic(expected = "more than one")]
    fn a_fixture_with_two_cursors_is_refused() {
        cursor("$0[package]$0\n");
    }
}
