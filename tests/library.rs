//! The library's own answers, checked against the files the same job
//! writes: what a program reads from a job's results must be what an
//! analyst reads from its CSV.

use ceasefire::job::{ExactJob, LoadedScenario};
use ceasefire::layout::ResultFile;
use ceasefire::{BatchJob, Estimate, JobError};

/// summary.csv's `entered` row of `phase`: (estimate, ci_low, ci_high).
fn entered_row(summary: &[u8], phase: &str) -> (f64, f64, f64) {
    let text = std::str::from_utf8(summary).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("entered,{phase},")))
        .unwrap_or_else(|| panic!("no entered row of {phase} in\n{text}"));
    let f: Vec<f64> = line
        .split(',')
        .skip(2)
        .take(3)
        .map(|x| x.parse().unwrap())
        .collect();
    (f[0], f[1], f[2])
}

/// `share_entering` of every phase of `loaded`'s scenario equals
/// summary.csv's `entered` row in `summary`.
fn assert_shares_match_summary(
    loaded: &LoadedScenario,
    summary: &[u8],
    share_entering: impl Fn(&str) -> Result<Estimate, JobError>,
) {
    for phase in loaded.scenario.phases() {
        let share = share_entering(&phase.id).unwrap();
        // The CSV writes the shortest text that reads back to the same f64.
        assert_eq!(
            (share.estimate, share.low, share.high),
            entered_row(summary, &phase.id),
            "{}",
            phase.id
        );
    }
}

#[test]
fn share_entering_a_phase_is_summary_csvs_row_for_a_batch() {
    let loaded = LoadedScenario::load(None, &[]).unwrap();
    let batch = BatchJob::new(loaded.clone(), 11, 600)
        .simulate(&())
        .unwrap();
    let summary = batch.table(ResultFile::Summary).unwrap().unwrap();
    assert_shares_match_summary(&loaded, &summary, |p| batch.share_entering(p));
}

#[test]
fn share_entering_a_phase_is_summary_csvs_row_for_exact_answers() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/markov/geneva-2016-no-retaliation.toml"
    );
    let loaded = LoadedScenario::from_path(std::path::Path::new(file), &[]).unwrap();
    let exact = ExactJob::new(loaded.clone()).solve().unwrap();
    let summary = exact.table(ResultFile::Summary).unwrap().unwrap();
    assert_shares_match_summary(&loaded, &summary, |p| exact.share_entering(p));
}

#[test]
fn an_unknown_phase_is_an_error_naming_the_phases_there_are() {
    let loaded = LoadedScenario::load(None, &[]).unwrap();
    let batch = BatchJob::new(loaded, 1, 10).simulate(&()).unwrap();
    let err = batch.share_entering("joint").unwrap_err();
    assert!(matches!(&err, JobError::UnknownPhase { phase, .. } if phase == "joint"));
    assert_eq!(
        err.to_string(),
        "the scenario has no phase `joint` (its phases: truce, joint_targeting, collapse)"
    );
}
