//! The library's top-level modules form layers: no module uses one that
//! uses it back, directly or through others (docs/architecture.md). Read
//! from the source, so that a new `use` that closes a circle fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module a top-level module names outside comments, as
/// `crate::MODULE` or through a crate beneath (`ceasefire_core::MODULE`).
/// The top-level modules are those of every library crate of the workspace
/// (`crates/*/src`), which the facade re-exports under one name each.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    let mut graph = BTreeMap::new();
    for krate in std::fs::read_dir(&crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if ["lib", "strategies"].contains(&name.as_str()) {
                continue;
            }
            let mut text = String::new();
            collect(&path, &mut text);
            graph.insert(name.clone(), names_used(&text, &name));
        }
    }
    graph
}

/// The modules `text` (of the module `name`) names outside comments.
fn names_used(text: &str, name: &str) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let prefixes = [
        "crate::",
        "ceasefire_core::",
        "ceasefire_analyses::",
        "ceasefire_formats::",
    ];
    for line in text.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
        for prefix in prefixes {
            for (at, _) in line.match_indices(prefix) {
                let rest = &line[at + prefix.len()..];
                let dep: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !dep.is_empty() && dep != name {
                    deps.insert(dep);
                }
            }
        }
    }
    deps
}

/// The text of a module file, or of every file under a module directory.
fn collect(path: &Path, text: &mut String) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            collect(&entry.unwrap().path(), text);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        text.push_str(&std::fs::read_to_string(path).unwrap());
        text.push('\n');
    }
}

/// A circle through `at`, if one exists, as the modules on it.
fn circle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    at: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|m| m == at) {
        let mut found = path[start..].to_vec();
        found.push(at.to_string());
        return Some(found);
    }
    path.push(at.to_string());
    for dep in graph.get(at).into_iter().flatten() {
        if let Some(found) = circle(graph, dep, path) {
            return Some(found);
        }
    }
    path.pop();
    None
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let graph = uses();
    // The reading itself works: the job layer uses the layers below it.
    for below in ["engine", "report", "store", "scenario"] {
        assert!(graph["job"].contains(below), "{graph:#?}");
    }
    for module in graph.keys() {
        if let Some(found) = circle(&graph, module, &mut Vec::new()) {
            panic!("modules in a circle: {}", found.join(" -> "));
        }
    }
}
