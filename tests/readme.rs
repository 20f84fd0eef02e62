//! The README's scenario example must stay a valid scenario.

#[test]
fn the_readme_example_scenario_is_valid() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").expect("README has a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("closed code block");
    let sc = ceasefire::Scenario::from_toml(&readme[start..end], "README.md")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.phases.len(), 3);
    assert!(sc.warnings.is_empty(), "{:?}", sc.warnings);
}
