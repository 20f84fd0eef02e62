//! The library's own answers, checked against the files the same job
//! writes: what a program reads from a job's results must be what an
//! analyst reads from its CSV.

use ceasefire::counts::adapters::Source;
use ceasefire::experiment::Design;
use ceasefire::job::{
    CountsJob, ExactJob, LoadedScenario, OutRefusal, PrismJob, SensitivityJob, StudyMethod,
    SweepDesign, SweepJob,
};
use ceasefire::layout::ResultFile;
use ceasefire::options::Opt;
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
    let loaded = markov();
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

/// The Geneva scenario, built in.
fn geneva() -> LoadedScenario {
    LoadedScenario::load(None, &[]).unwrap()
}

/// Geneva without retaliation, which the exact solver takes.
fn markov() -> LoadedScenario {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/markov/geneva-2016-no-retaliation.toml"
    );
    LoadedScenario::from_path(std::path::Path::new(file), &[]).unwrap()
}

#[test]
fn an_option_out_of_range_is_typed_and_named_by_its_option() {
    let mut exact = ExactJob::new(geneva());
    exact.max_loss = 2.0;
    let err = exact.solve().unwrap_err();
    assert!(
        matches!(&err, JobError::OptionValue { opt: Opt::MaxLoss, value, .. } if value == "2"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "`max_loss` 2 is out of range (allowed: 0 to 1)"
    );

    let vary = vec!["party.opposition.rate=0.1:0.5:3".parse().unwrap()];
    let method = StudyMethod::Morris {
        trajectories: 4,
        levels: 4,
    };
    let mut study = SensitivityJob::new(geneva(), vary, method, 1, 10);
    study.resamples = 1;
    let err = study.run(&()).unwrap_err();
    assert!(
        matches!(&err, JobError::OptionValue { opt: Opt::Resamples, value, .. } if value == "1"),
        "{err:?}"
    );
}

#[test]
fn a_generated_sweep_without_ranges_is_refused_before_any_run() {
    let design = SweepDesign::Generated {
        vary: Vec::new(),
        design: Design::Grid,
    };
    let err = SweepJob::new(geneva(), design, 1, 10).run(&()).unwrap_err();
    assert!(matches!(err, JobError::NoRanges), "{err:?}");
    assert!(err.to_string().contains("`vary` is required"), "{err}");
}

#[test]
fn a_prism_model_named_like_its_properties_file_is_refused_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model.props");
    let err = PrismJob::new(markov(), out.clone()).run().unwrap_err();
    assert!(
        matches!(&err, JobError::Out(OutRefusal::OverwrittenByProperties { out: o }) if *o == out),
        "{err:?}"
    );
    let err = PrismJob::new(markov(), dir.path().join(".."))
        .run()
        .unwrap_err();
    assert!(
        matches!(err, JobError::Out(OutRefusal::NotAFile { stdout: false })),
        "{err:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_unreadable_input_keeps_its_io_error_and_a_non_utf8_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (export, mapping) = (dir.path().join("export.csv"), dir.path().join("map.toml"));
    std::fs::write(&export, "event_date\n").unwrap();
    let job = CountsJob::new(Source::Acled, export.clone(), mapping.clone());
    let err = job.run().unwrap_err();
    match &err {
        JobError::Unreadable { path, what, source } => {
            assert_eq!((path, *what), (&mapping, "mapping"));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    std::fs::write(&mapping, b"\xff\xfe").unwrap();
    let err = job.run().unwrap_err();
    assert!(
        matches!(&err, JobError::NotUtf8 { file } if *file == mapping.display().to_string()),
        "{err:?}"
    );
}
