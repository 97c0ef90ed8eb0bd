//! A line diff in unified format, for comparing the recipes of two build variants: the
//! recipes are small (hundreds of lines), so a plain longest-common-subsequence table is
//! fast enough and keeps the output stable.

/// Lines of unchanged context around each change, as `diff -u` shows them.
const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// `old` and `new` as a unified diff (`--- old_label`, `+++ new_label`, `@@` hunks); the
/// two header lines alone when they are the same.
pub fn unified_diff(old_label: &str, old: &str, new_label: &str, new: &str) -> String {
    let lines = diff_lines(old, new);
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    for hunk in hunks(&lines) {
        let (old_start, new_start) = starts(&lines, hunk.start);
        let (old_len, new_len) =
            lines[hunk.clone()]
                .iter()
                .fold((0, 0), |(o, n), line| match line {
                    Line::Same(_) => (o + 1, n + 1),
                    Line::Removed(_) => (o + 1, n),
                    Line::Added(_) => (o, n + 1),
                });
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_len),
            range(new_start, new_len)
        ));
        for line in &lines[hunk] {
            let (sign, text) = match line {
                Line::Same(t) => (' ', t),
                Line::Removed(t) => ('-', t),
                Line::Added(t) => ('+', t),
            };
            out.push(sign);
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// `diff -u`'s `start,len` (a hunk that is empty on one side starts before its position).
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{},0", start.saturating_sub(1)),
        1 => start.to_string(),
        _ => format!("{start},{len}"),
    }
}

/// The 1-based line numbers in `old` and `new` at which `lines[at]` stands.
fn starts(lines: &[Line], at: usize) -> (usize, usize) {
    lines[..at].iter().fold((1, 1), |(o, n), line| match line {
        Line::Same(_) => (o + 1, n + 1),
        Line::Removed(_) => (o + 1, n),
        Line::Added(_) => (o, n + 1),
    })
}

/// The changed stretches with their context, merged where the context overlaps.
fn hunks(lines: &[Line]) -> Vec<std::ops::Range<usize>> {
    let mut hunks: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if matches!(line, Line::Same(_)) {
            continue;
        }
        let start = i.saturating_sub(CONTEXT);
        let end = (i + 1 + CONTEXT).min(lines.len());
        match hunks.last_mut() {
            Some(last) if start <= last.end => last.end = end,
            _ => hunks.push(start..end),
        }
    }
    hunks
}

/// Every line of `old` and `new` in order, marked by a longest common subsequence.
fn diff_lines<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Common prefix and suffix first: variants' recipes differ in a few lines.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..].
    let mut lcs = vec![vec![0u32; mb.len() + 1]; ma.len() + 1];
    for i in (0..ma.len()).rev() {
        for j in (0..mb.len()).rev() {
            lcs[i][j] = if ma[i] == mb[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<Line> = a[..prefix].iter().map(|l| Line::Same(l)).collect();
    let (mut i, mut j) = (0, 0);
    while i < ma.len() || j < mb.len() {
        if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
            out.push(Line::Same(ma[i]));
            i += 1;
            j += 1;
        } else if i < ma.len() && (j == mb.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removed lines before added ones, as `diff -u` shows a change.
            out.push(Line::Removed(ma[i]));
            i += 1;
        } else {
            out.push(Line::Added(mb[j]));
            j += 1;
        }
    }
    out.extend(a[a.len() - suffix..].iter().map(|l| Line::Same(l)));
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::unified_diff;

    #[test]
    fn equal_texts_have_no_hunks() {
        assert_eq!(unified_diff("a", "x\ny\n", "b", "x\ny\n"), "--- a\n+++ b\n");
    }

    #[test]
    fn a_changed_line_with_its_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        expect![[r#"
            --- a
            +++ b
            @@ -2,7 +2,7 @@
             2
             3
             4
            -5
            +five
             6
             7
             8
        "#]]
        .assert_eq(&unified_diff("a", old, "b", new));
    }

    #[test]
    fn distant_changes_are_separate_hunks_and_near_ones_merge() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=21)
            .filter(|&i| i != 18)
            .map(|i| match i {
                2 => "two\n".to_owned(),
                4 => "four\n".to_owned(),
                i => format!("{i}\n"),
            })
            .collect();
        expect![[r#"
            --- a
            +++ b
            @@ -1,7 +1,7 @@
             1
            -2
            +two
             3
            -4
            +four
             5
             6
             7
            @@ -15,6 +15,6 @@
             15
             16
             17
            -18
             19
             20
            +21
        "#]]
        .assert_eq(&unified_diff("a", &old, "b", &new));
    }

    #[test]
    fn one_side_empty() {
        expect![[r#"
            --- a
            +++ b
            @@ -0,0 +1,2 @@
            +x
            +y
        "#]]
        .assert_eq(&unified_diff("a", "", "b", "x\ny\n"));
    }
}
