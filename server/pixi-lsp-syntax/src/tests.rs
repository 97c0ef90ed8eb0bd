use crate::{Scalar, TableOrigin, Tree, ValueType, parse};

fn tree(text: &str) -> Tree {
    let p = parse(text);
    assert!(p.errors.is_empty(), "unexpected errors: {:?}", p.errors);
    p.tree
}

#[test]
fn headers_and_dotted_keys_merge() {
    let t = tree("a.b = 1\n[x.y]\nz = \"s\"\n[x]\nw = true\n");
    let root = t.root();
    assert_eq!(
        t.scalar(t.get_path(root, &["a", "b"]).unwrap()),
        Some(&Scalar::Integer(1))
    );
    assert_eq!(
        t.str(t.get_path(root, &["x", "y", "z"]).unwrap()),
        Some("s")
    );
    let x = t.get(root, "x").unwrap();
    assert_eq!(t.table(x).unwrap().origin, TableOrigin::Header);
    assert_eq!(t.bool(t.get(x, "w").unwrap()), Some(true));
    assert_eq!(t.sections.len(), 2);
}

#[test]
fn multi_line_inline_tables_of_toml_1_1_parse() {
    let t = tree("a = {\n  b = 1,\n  c = [1, 2],\n}\n");
    let a = t.get(t.root(), "a").unwrap();
    assert_eq!(t.table(a).unwrap().origin, TableOrigin::Inline);
    assert_eq!(t.items(t.get(a, "c").unwrap()).len(), 2);
}

#[test]
fn arrays_of_tables_collect_elements() {
    let t = tree("[[a]]\nx = 1\n[[a]]\nx = 2\n[a.sub]\ny = 3\n");
    let a = t.get(t.root(), "a").unwrap();
    let items = t.items(a);
    assert_eq!(items.len(), 2);
    assert_eq!(
        t.scalar(t.get_path(items[1], &["sub", "y"]).unwrap()),
        Some(&Scalar::Integer(3))
    );
}

#[test]
fn duplicate_keys_are_errors_with_exact_ranges() {
    let text = "a = 1\na = 2\n";
    let p = parse(text);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(&text[p.errors[0].range.as_usize()], "a");
    assert_eq!(p.errors[0].range.start, 6);
    assert_eq!(p.errors[0].related[0].range.start, 0);
}

#[test]
fn duplicate_tables_are_errors() {
    let p = parse("[a]\nx = 1\n[a]\ny = 2\n");
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].code, "duplicate-table");
}

#[test]
fn errors_do_not_hide_the_rest_of_the_file() {
    let p = parse("[dependencies\npython = \n[package]\nname = \"x\"\n");
    assert!(!p.errors.is_empty());
    assert_eq!(
        p.tree.str(
            p.tree
                .get_path(p.tree.root(), &["package", "name"])
                .unwrap()
        ),
        Some("x")
    );
}

#[test]
fn missing_value_is_invalid_not_a_type() {
    let p = parse("a = \nb = 1\n");
    assert!(!p.errors.is_empty());
    let a = p.tree.get(p.tree.root(), "a").unwrap();
    assert_eq!(p.tree.value_type(a), ValueType::Invalid);
    assert_eq!(
        p.tree.scalar(p.tree.get(p.tree.root(), "b").unwrap()),
        Some(&Scalar::Integer(1))
    );
}

#[test]
fn deep_nesting_is_reported_not_recursed() {
    let text = format!("a = {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let p = parse(&text);
    assert!(
        p.errors.iter().any(|e| e.message.contains("recursion")),
        "{:?}",
        &p.errors[..1]
    );
}

#[test]
fn quoted_keys_and_integers_decode() {
    let t = tree("\"if(unix)\".x = 0x1f\ny = 1_000\nz = -3\n");
    assert_eq!(
        t.scalar(t.get_path(t.root(), &["if(unix)", "x"]).unwrap()),
        Some(&Scalar::Integer(31))
    );
    assert_eq!(
        t.scalar(t.get(t.root(), "y").unwrap()),
        Some(&Scalar::Integer(1000))
    );
    assert_eq!(
        t.scalar(t.get(t.root(), "z").unwrap()),
        Some(&Scalar::Integer(-3))
    );
}

#[test]
fn big_tables_use_the_index() {
    let text: String = (0..100).map(|i| format!("k{i} = {i}\n")).collect();
    let t = tree(&text);
    assert_eq!(
        t.scalar(t.get(t.root(), "k77").unwrap()),
        Some(&Scalar::Integer(77))
    );
}

#[test]
fn every_written_key_has_a_range() {
    let text = "[feature.foo.dependencies]\na = 1\n[feature.foo.tasks]\nb = 2\n[feature.foo]\nc = 3\n[other]\nbar.x = 1\nbar.y = 2\n";
    let t = tree(text);
    let feature = t.get(t.root(), "feature").unwrap();
    let found: Vec<&str> = t
        .key_ranges(feature, "foo")
        .iter()
        .map(|r| &text[r.as_usize()])
        .collect();
    assert_eq!(found, ["foo"; 3]);
    let starts: Vec<u32> = t
        .key_ranges(feature, "foo")
        .iter()
        .map(|r| r.start)
        .collect();
    assert_eq!(starts.len(), 3);
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    assert!(t.key_ranges(feature, "bar").is_empty());
    let other = t.get(t.root(), "other").unwrap();
    assert_eq!(t.key_ranges(other, "bar").len(), 2);
}

/// Repeats of different keys written in turn are found per key, in document order (the
/// repeats are kept sorted by table and key for a binary search).
#[test]
fn interleaved_repeats_are_found_per_key_in_document_order() {
    let text = "[feature.b.x]\n[feature.a.x]\n[feature.b.y]\n[feature.a.y]\n[feature.b.z]\n";
    let t = tree(text);
    let feature = t.get(t.root(), "feature").unwrap();
    let starts = |key: &str| -> Vec<u32> {
        let ranges = t.key_ranges(feature, key);
        assert!(ranges.iter().all(|r| &text[r.as_usize()] == key));
        ranges.iter().map(|r| r.start).collect()
    };
    assert_eq!(starts("a"), [23, 51]);
    assert_eq!(starts("b"), [9, 37, 65]);
    assert!(starts("c").is_empty());
}
