//! Channel-backed features with hand-made channel data (the real fetching is tested in
//! `pixi-lsp-channels` and over stdio).

use std::str::FromStr;
use std::sync::Arc;

use pixi_lsp_channels::{FetchState, PackageInfo, RecordInfo, ScopeData, Version};

use crate::{
    AnalysisContext, ChannelContext, CompletionConfig, DiagnosticsConfig, FileAnalysis, FileKind,
};

/// name → [(version, subdir, depends)]
type Packages<'a> = &'a [(&'a str, &'a [(&'a str, &'a str, &'a [&'a str])])];

fn record(version: &str, subdir: &str, depends: &[&str]) -> RecordInfo {
    RecordInfo {
        version: Version::from_str(version).unwrap(),
        build_number: 0,
        subdir: subdir.into(),
        channel: "conda-forge".into(),
        build_api: depends
            .iter()
            .find(|d| d.starts_with(pixi_lsp_channels::BUILD_API_PACKAGE))
            .map(|d| (*d).into()),
        license: Some("MIT".into()),
    }
}

fn scope_data(packages: Packages<'_>, state: FetchState) -> ScopeData {
    let mut names: Vec<String> = packages.iter().map(|(n, _)| (*n).to_owned()).collect();
    names.sort();
    let map: pixi_lsp_channels::PackageMap = packages
        .iter()
        .map(|(name, records)| {
            let records = records.iter().map(|(v, s, d)| record(v, s, d)).collect();
            (
                (*name).to_owned(),
                (
                    FetchState::Ready { stale: false },
                    Arc::new(PackageInfo::new(records)),
                ),
            )
        })
        .collect();
    ScopeData {
        names: Arc::new(pixi_lsp_channels::PackageNames::new(names)),
        names_state: state.clone(),
        channel_states: vec![("conda-forge".into(), state)],
        packages: map,
    }
}

/// The analysis of `text` with every scope it needs filled from `packages`.
fn analysis(fixture: &str, packages: Packages<'_>, state: FetchState) -> (FileAnalysis, usize) {
    let (text, offset) = crate::tests::fixture(fixture);
    let text: Arc<str> = Arc::from(text);
    let alias = url::Url::parse("https://conda.anaconda.org/").unwrap();
    let mut context = AnalysisContext {
        channels: Some(ChannelContext::new(alias, "/ws".into())),
        ..Default::default()
    };
    let first =
        crate::ParsedFile::new(FileKind::PixiToml, text.clone()).in_context(context.clone());
    let data = Arc::new(scope_data(packages, state));
    if let Some(channels) = context.channels.as_mut() {
        for need in first.channel_needs() {
            channels.data.insert(need.scope, data.clone());
        }
    }
    (
        FileAnalysis::with_context(FileKind::PixiToml, text, context),
        offset,
    )
}

const API7: &[&str] = &["pixi-build-api-version >=7,<8"];
const API1: &[&str] = &["pixi-build-api-version >=1,<2"];
const PACKAGES: Packages<'static> = &[
    (
        "numpy",
        &[
            ("2.1.0", "linux-64", &[]),
            ("2.0.1", "linux-64", &[]),
            ("1.26.4", "linux-64", &[]),
        ],
    ),
    ("numba", &[("0.60.0", "linux-64", &[])]),
    (
        "python",
        &[("3.12.4", "linux-64", &[]), ("3.11.9", "linux-64", &[])],
    ),
    (
        "pixi-build-python",
        &[
            ("0.4.1", "noarch", API7),
            ("0.4.0", "noarch", API7),
            ("0.3.2", "noarch", API1),
        ],
    ),
    ("pixi-build-cmake", &[("0.4.0", "linux-64", API7)]),
    ("pixi-build-api-version", &[("7", "noarch", &[])]),
];

const HEAD: &str = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n";

fn labels(a: &FileAnalysis, offset: usize) -> (Vec<String>, bool) {
    let list = a.completions(offset, &CompletionConfig::default()).unwrap();
    (
        list.items.into_iter().map(|i| i.label).collect(),
        list.is_incomplete,
    )
}

fn codes(a: &FileAnalysis) -> Vec<String> {
    let text = a.text().clone();
    a.diagnostics(&DiagnosticsConfig::default())
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.severity.as_str(),
                d.code,
                &text[d.range.as_usize()]
            )
        })
        .collect()
}

#[test]
fn completes_dependency_names_by_prefix() {
    let (a, offset) = analysis(
        &format!("{HEAD}[dependencies]\nnum$0\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    assert_eq!(
        labels(&a, offset),
        (vec!["numba".to_owned(), "numpy".to_owned()], false)
    );
}

#[test]
fn completion_is_incomplete_while_names_load() {
    let (a, offset) = analysis(
        &format!("{HEAD}[dependencies]\nnum$0\n"),
        PACKAGES,
        FetchState::Loading,
    );
    assert!(labels(&a, offset).1);
}

#[test]
fn completes_versions_newest_first_as_match_specs() {
    let (a, offset) = analysis(
        &format!("{HEAD}[dependencies]\nnumpy = \"$0\"\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    let (labels, _) = labels(&a, offset);
    assert_eq!(&labels[..4], ["2.1.*", ">=2.1,<2.2", "2.0.*", ">=2.0,<2.1"]);
    assert!(labels.contains(&"==2.1.0".to_owned()));
    let (a, offset) = analysis(
        &format!("{HEAD}[dependencies]\nnumpy = {{ version = \"$0\" }}\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    assert_eq!(self::labels(&a, offset).0[0], "2.1.*");
}

#[test]
fn completes_backend_names_and_versions_from_channels() {
    let (a, offset) = analysis(
        &format!("{HEAD}[package]\nname = \"x\"\n[package.build]\nbackend = {{ name = \"$0\" }}\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    let (labels, _) = labels(&a, offset);
    assert!(
        labels.iter().position(|l| l == "pixi-build-cmake").unwrap()
            < labels.iter().position(|l| l == "numpy").unwrap(),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"pixi-build-api-version".to_owned()),
        "the API marker is not a backend: {labels:?}"
    );
    let (a, offset) = analysis(
        &format!(
            "{HEAD}[package]\nname = \"x\"\n[package.build]\nbackend = {{ name = \"pixi-build-python\", version = \"$0\" }}\n"
        ),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    assert_eq!(self::labels(&a, offset).0[0], "0.4.*");
}

#[test]
fn names_and_versions_are_checked_against_the_channels() {
    let text = format!(
        "{HEAD}[dependencies]\nnumpy = \">=3\"\npython = \"3.12.*\"\nnot-a-package = \"*\"\nbroken = \">=<1\"\n"
    );
    let (a, _) = analysis(&text, PACKAGES, FetchState::Ready { stale: false });
    let codes = codes(&a);
    assert!(
        codes.contains(&"warning version-not-in-channels \">=3\"".to_owned()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"warning package-not-found not-a-package".to_owned()),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("error invalid-version-spec")),
        "{codes:?}"
    );
    assert!(!codes.iter().any(|c| c.contains("python")), "{codes:?}");
}

#[test]
fn nothing_is_reported_missing_when_a_channel_failed() {
    let text = format!("{HEAD}[dependencies]\nnot-a-package = \"*\"\n");
    let (a, _) = analysis(&text, PACKAGES, FetchState::Failed("404 Not Found".into()));
    let codes = codes(&a);
    assert_eq!(
        codes,
        ["warning channel-unreachable \"conda-forge\""],
        "{codes:?}"
    );
}

#[test]
fn an_unreachable_channel_is_information_not_a_warning() {
    let text = format!("{HEAD}[dependencies]\nnot-a-package = \"*\"\n");
    let (a, _) = analysis(
        &text,
        PACKAGES,
        FetchState::Unreachable("error sending request: dns error".into()),
    );
    let codes = codes(&a);
    assert_eq!(
        codes,
        ["info channel-unreachable \"conda-forge\""],
        "{codes:?}"
    );
}

#[test]
fn stale_data_gets_one_info_diagnostic() {
    let text =
        format!("{HEAD}[dependencies]\nnumpy = \"*\"\n[feature.a.dependencies]\npython = \"*\"\n");
    let (a, _) = analysis(&text, PACKAGES, FetchState::Ready { stale: true });
    let stale: Vec<String> = codes(&a)
        .into_iter()
        .filter(|c| c.contains("stale"))
        .collect();
    assert_eq!(stale, ["info channel-data-stale \"conda-forge\""]);
}

#[test]
fn backend_compatibility_pinning_and_platforms() {
    let build = "[package]\nname = \"x\"\n[package.build]\n";
    let (a, _) = analysis(
        &format!(
            "{HEAD}{build}backend = {{ name = \"pixi-build-python\", version = \"0.3.*\" }}\n"
        ),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    let diags = a.diagnostics(&DiagnosticsConfig::default()).unwrap();
    let incompatible = diags
        .iter()
        .find(|d| d.code == "backend-api-incompatible")
        .expect("incompatible");
    assert_eq!(incompatible.fixes[0].edits[0].new_text, "\"0.4.*\"");
    let (a, _) = analysis(
        &format!("{HEAD}{build}backend = {{ name = \"pixi-build-python\", version = \"*\" }}\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    let diags = a.diagnostics(&DiagnosticsConfig::default()).unwrap();
    let unpinned = diags
        .iter()
        .find(|d| d.code == "backend-unpinned")
        .expect("unpinned hint");
    assert_eq!(
        unpinned.fixes[0].title,
        "Pin to `0.4.*` (latest compatible)"
    );
    let two_platforms = HEAD.replace("[\"linux-64\"]", "[\"linux-64\", \"osx-arm64\"]");
    let (a, _) = analysis(
        &format!(
            "{two_platforms}{build}backend = {{ name = \"pixi-build-cmake\", version = \"0.4.*\" }}\n"
        ),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    assert!(
        codes(&a).contains(&"warning backend-platform-missing \"pixi-build-cmake\"".to_owned()),
        "{:?}",
        codes(&a)
    );
}

#[test]
fn hover_on_a_dependency_lists_versions_and_channels() {
    let (a, offset) = analysis(
        &format!("{HEAD}[dependencies]\nnum$0py = \"*\"\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    let md = a.hover(offset).unwrap().expect("hover").markdown;
    assert!(md.starts_with("**numpy** — latest 2.1.0"), "{md}");
    assert!(md.contains("*Channels:* conda-forge"), "{md}");
}

#[test]
fn update_and_pin_actions_keep_comments() {
    let text = format!("{HEAD}[dependencies]\nnum$0py = \"1.26.*\" # old\n");
    let (a, offset) = analysis(&text, PACKAGES, FetchState::Ready { stale: false });
    let range = pixi_lsp_syntax::TextRange::empty(offset);
    let actions = a
        .code_actions(range, &DiagnosticsConfig::default())
        .unwrap();
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    assert!(
        titles.contains(&"Update `numpy` to the latest version (2.1.0): `2.1.*`"),
        "{titles:?}"
    );
    let update = actions
        .iter()
        .find(|a| a.title.starts_with("Update"))
        .unwrap();
    let mut fixed = a.text().to_string();
    fixed.replace_range(update.edits[0].range.as_usize(), &update.edits[0].new_text);
    assert!(fixed.ends_with("numpy = \"2.1.*\" # old\n"), "{fixed}");
    assert!(update.diagnostic.is_none());
}

#[test]
fn inlay_hints_show_the_newest_admitted_version() {
    let (a, _) = analysis(
        &format!("{HEAD}[dependencies]\nnumpy = \"2.0.*\"\npython = \">=3\"\n"),
        PACKAGES,
        FetchState::Ready { stale: false },
    );
    let hints: Vec<String> = a
        .inlay_hints(pixi_lsp_syntax::TextRange::new(0, a.text().len()))
        .unwrap()
        .into_iter()
        .map(|h| h.label)
        .collect();
    assert_eq!(hints, [" → 2.0.1", " → 3.12.4"]);
}

#[test]
fn a_package_only_another_channel_has_gets_an_add_channel_fix() {
    // The workspace channel has only `numpy`; the backend's channel has `special`.
    let text: Arc<str> = Arc::from(
        "[workspace] # ws\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[dependencies]\nspecial = \"*\"\n\n[package]\nname = \"x\"\n[package.build]\nbackend = { name = \"b\", channels = [\"extra\"] }\n",
    );
    let alias = url::Url::parse("https://conda.anaconda.org/").unwrap();
    let mut context = AnalysisContext {
        channels: Some(ChannelContext::new(alias, "/ws".into())),
        ..Default::default()
    };
    let first =
        crate::ParsedFile::new(FileKind::PixiToml, text.clone()).in_context(context.clone());
    let ready = FetchState::Ready { stale: false };
    for need in first.channel_needs() {
        let is_extra = need.scope.channels.iter().any(|c| c.name == "extra");
        let mut data = scope_data(
            if is_extra {
                &[("special", &[("1.0", "noarch", &[])]), ("b", &[])]
            } else {
                &[("numpy", &[])]
            },
            ready.clone(),
        );
        data.channel_states = need
            .scope
            .channels
            .iter()
            .map(|c| (c.name.clone(), ready.clone()))
            .collect();
        context
            .channels
            .as_mut()
            .unwrap()
            .data
            .insert(need.scope, Arc::new(data));
    }
    let a = FileAnalysis::with_context(FileKind::PixiToml, text.clone(), context);
    let diags = a.diagnostics(&DiagnosticsConfig::default()).unwrap();
    let missing = diags
        .iter()
        .find(|d| d.code == "package-not-found")
        .expect("special is missing from conda-forge");
    let fix = &missing.fixes[0];
    assert_eq!(fix.title, "Add channel `extra` to the workspace");
    let mut fixed = text.to_string();
    fixed.replace_range(fix.edits[0].range.as_usize(), &fix.edits[0].new_text);
    assert!(
        fixed.starts_with("[workspace] # ws\nchannels = [\"conda-forge\", \"extra\"]\n"),
        "{fixed}"
    );
}
