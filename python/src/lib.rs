//! The native half of the `ceasefire` Python package.
//!
//! It only converts: every computation is a job of the `ceasefire` library
//! ([`ceasefire::job`]), and every table crosses into Python as the very
//! bytes the command line writes, which the pure-Python half
//! (`ceasefire/__init__.py`) reads into pandas DataFrames. Long work runs on
//! a worker thread with the GIL released; the calling thread wakes every
//! tenth of a second to report progress and to check for Ctrl-C, which
//! cancels the job's [`CancelToken`].

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ceasefire::engine::CancelToken;
use ceasefire::experiment::read_design_file;
use ceasefire::job::{
    BatchJob, BatchMode, BatchResults, Checkpoints, CompareJob, ExactJob, ExactResults, Execution,
    Extras, JobError, LoadedScenario, OutRefusal, Progress, SensitivityJob, StudyDirError,
    StudyMethod, SweepDesign, SweepJob, TraceJob,
};
use ceasefire::layout::ResultFile;
use ceasefire::scenario::ScenarioError;
use ceasefire::scenario::paths::{Assignment, ParamPath, set};
use pyo3::exceptions::{PyKeyError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

/// The Python exceptions of the package.
mod exceptions {
    pyo3::create_exception!(
        ceasefire,
        ScenarioError,
        pyo3::exceptions::PyValueError,
        "A scenario that cannot be used; the message names the file, line:column, key, bad value and what is allowed."
    );
}
use exceptions::ScenarioError as PyScenarioError;

/// The message of `err` and its causes, as the command line prints them.
fn message(err: &dyn Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(&format!("\n  caused by: {c}"));
        cause = c.source();
    }
    text
}

/// A scenario error as a `ceasefire.ScenarioError`.
fn scenario_error(err: ScenarioError) -> PyErr {
    PyScenarioError::new_err(message(&err))
}

/// A job's error as the Python exception a user expects.
fn job_error(err: JobError) -> PyErr {
    let text = message(&err);
    match err {
        JobError::Scenario(_) => PyScenarioError::new_err(text),
        JobError::Output(_)
        | JobError::Checkpoint(_)
        | JobError::Unreadable { .. }
        | JobError::Out(OutRefusal::Unusable { .. })
        | JobError::StudyDir(StudyDirError::Unreadable { .. }) => PyOSError::new_err(text),
        JobError::Interrupted { .. } => pyo3::exceptions::PyKeyboardInterrupt::new_err(text),
        JobError::Batch(_) | JobError::Table { .. } | JobError::Plot(_) | JobError::Threads(_) => {
            PyRuntimeError::new_err(text)
        }
        _ => PyValueError::new_err(text),
    }
}

/// A validated scenario with the text it came from and the changes applied
/// to it.
#[pyclass(name = "Scenario", module = "ceasefire._ceasefire", frozen)]
#[derive(Clone)]
struct PyScenario {
    loaded: LoadedScenario,
}

/// A TOML value from a Python value: a bool, an int, a float or a str.
fn toml_value(path: &str, v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if v.is_instance_of::<PyBool>() {
        Ok(toml::Value::Boolean(v.extract()?))
    } else if v.is_instance_of::<PyInt>() {
        Ok(toml::Value::Integer(v.extract()?))
    } else if v.is_instance_of::<PyFloat>() {
        Ok(toml::Value::Float(v.extract()?))
    } else if v.is_instance_of::<PyString>() {
        Ok(toml::Value::String(v.extract()?))
    } else if let Ok(x) = v.extract::<f64>() {
        // numpy scalars and the like.
        Ok(toml::Value::Float(x))
    } else {
        Err(PyValueError::new_err(format!(
            "{path}: {} is not a value a scenario holds (allowed: bool, int, float, str)",
            v.repr()?
        )))
    }
}

#[pymethods]
impl PyScenario {
    /// Parses and validates scenario `text`, named `name` in messages.
    #[staticmethod]
    #[pyo3(signature = (text, name = None))]
    fn from_toml(text: String, name: Option<String>) -> PyResult<Self> {
        let origin = name.unwrap_or_else(|| "scenario.toml".into());
        let stem = std::path::Path::new(&origin)
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
        let loaded = LoadedScenario::from_text(text, origin, stem, &[]).map_err(scenario_error)?;
        Ok(PyScenario { loaded })
    }

    /// Loads and validates the scenario file at `path`.
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<Self> {
        let loaded = LoadedScenario::from_path(&path, &[]).map_err(|e| match e {
            ScenarioError::Io { .. } => PyOSError::new_err(message(&e)),
            e => scenario_error(e),
        })?;
        Ok(PyScenario { loaded })
    }

    /// A built-in scenario by name.
    #[staticmethod]
    fn builtin(name: &str) -> PyResult<Self> {
        let Some((stem, text)) = ceasefire::builtin::ALL.iter().find(|(s, _)| *s == name) else {
            let names: Vec<&str> = ceasefire::builtin::ALL.iter().map(|(s, _)| *s).collect();
            return Err(PyValueError::new_err(format!(
                "no built-in scenario '{name}' (allowed: {})",
                names.join(", ")
            )));
        };
        let origin = format!("built-in:{stem}.toml");
        let loaded = LoadedScenario::from_text(text.to_string(), origin, stem.to_string(), &[])
            .map_err(scenario_error)?;
        Ok(PyScenario { loaded })
    }

    /// A new scenario with `values` (path to value) set, as `--set` sets
    /// them, and revalidated.
    fn with_values(&self, values: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut changes = self.loaded.changes.clone();
        for (k, v) in values.iter() {
            let key: String = k.extract()?;
            let path: ParamPath = key
                .parse()
                .map_err(|e| PyScenarioError::new_err(format!("{e}")))?;
            changes.push(Assignment {
                path,
                value: toml_value(&key, &v)?,
            });
        }
        let l = &self.loaded;
        let loaded =
            LoadedScenario::from_text(l.text.clone(), l.origin.clone(), l.stem.clone(), &changes)
                .map_err(scenario_error)?;
        Ok(PyScenario { loaded })
    }

    /// The scenario as TOML: its text, or with changes, the document with
    /// them set (comments are then lost).
    fn to_toml(&self) -> PyResult<String> {
        let l = &self.loaded;
        if l.changes.is_empty() {
            return Ok(l.text.clone());
        }
        let mut doc: toml::Table = toml::from_str(&l.text)
            .map_err(|e| PyScenarioError::new_err(format!("{}: {e}", l.origin)))?;
        for c in &l.changes {
            set(&mut doc, &c.path, c.value.clone())
                .map_err(|e| PyScenarioError::new_err(e.to_string()))?;
        }
        toml::to_string(&doc).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.loaded.scenario.name().to_string()
    }

    /// The file (or built-in) it was read from, as named in messages.
    #[getter]
    fn origin(&self) -> String {
        self.loaded.origin.clone()
    }

    /// The ids of its parties, in file order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.loaded
            .scenario
            .parties()
            .iter()
            .map(|p| p.id.clone())
            .collect()
    }

    /// The ids of its phases, in file order.
    #[getter]
    fn phases(&self) -> Vec<String> {
        self.loaded
            .scenario
            .phases()
            .iter()
            .map(|p| p.id.clone())
            .collect()
    }

    /// Its warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.loaded.scenario.warnings().to_vec()
    }

    /// The changes applied, as `PATH=VALUE`.
    #[getter]
    fn changes(&self) -> Vec<String> {
        self.loaded.source.changes.clone()
    }

    /// The scenario's horizon, in days.
    #[getter]
    fn horizon_days(&self) -> u32 {
        self.loaded.scenario.horizon_days()
    }

    fn __repr__(&self) -> String {
        let l = &self.loaded;
        let mut s = format!(
            "Scenario({:?} from {}: {} parties, phases {}, {} days",
            l.scenario.name(),
            l.origin,
            l.scenario.parties().len(),
            self.phases().join("/"),
            self.horizon_days()
        );
        if !l.changes.is_empty() {
            s.push_str(&format!(", changes {}", l.source.changes.join(" ")));
        }
        s.push(')');
        s
    }
}

/// Runs done and the total, read by the calling thread.
#[derive(Default)]
struct Counter {
    total: AtomicU64,
    done: AtomicU64,
}

impl Progress for Counter {
    fn start(&self, total: Option<u64>) {
        self.total.store(total.unwrap_or(0), Ordering::Relaxed);
    }

    fn advance(&self, runs: u64) {
        self.done.fetch_add(runs, Ordering::Relaxed);
    }
}

/// Runs `work` on a worker thread with the GIL released, calling
/// `progress(done, total)` and checking for Ctrl-C about ten times a
/// second; Ctrl-C (or an exception in `progress`) cancels the work and is
/// raised once it has stopped.
fn long<T: Send + 'static>(
    py: Python<'_>,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce(&Counter, CancelToken) -> Result<T, JobError> + Send + 'static,
) -> PyResult<T> {
    let counter = Arc::new(Counter::default());
    let cancel = CancelToken::new();
    let handle = {
        let (counter, cancel) = (Arc::clone(&counter), cancel.clone());
        std::thread::spawn(move || work(&counter, cancel))
    };
    let mut failure = None;
    while !handle.is_finished() {
        py.detach(|| {
            for _ in 0..10 {
                if handle.is_finished() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let told = match &progress {
            Some(f) => {
                let (done, total) = (
                    counter.done.load(Ordering::Relaxed),
                    counter.total.load(Ordering::Relaxed),
                );
                f.call1(py, (done, total)).map(drop)
            }
            None => Ok(()),
        };
        if let Err(e) = told.and_then(|()| py.check_signals()) {
            cancel.cancel();
            failure = Some(e);
            break;
        }
    }
    let result = py.detach(|| handle.join());
    if let Some(e) = failure {
        return Err(e);
    }
    let result = result.map_err(|_| PyRuntimeError::new_err("ceasefire: the job panicked"))?;
    if let Some(f) = &progress {
        let done = counter.done.load(Ordering::Relaxed);
        f.call1(py, (done, counter.total.load(Ordering::Relaxed)))?;
    }
    result.map_err(job_error)
}

/// How a job uses the machine, from the Python arguments.
fn execution(threads: Option<usize>, cancel: CancelToken) -> Execution {
    let mut exec = Execution::default();
    exec.threads = threads;
    exec.cancel = cancel;
    exec.command_line = vec!["python".into(), "ceasefire".into()];
    exec
}

/// A result file by its name (`"summary.csv"`).
fn result_file(name: &str) -> PyResult<ResultFile> {
    use ceasefire::layout::BATCH;
    BATCH
        .into_iter()
        .chain([ResultFile::DailyRuns])
        .find(|f| f.name() == name)
        .ok_or_else(|| PyKeyError::new_err(format!("no result file named '{name}'")))
}

/// A batch simulated in memory.
#[pyclass(name = "BatchResults", module = "ceasefire._ceasefire", frozen)]
struct PyBatchResults(BatchResults);

#[pymethods]
impl PyBatchResults {
    /// The bytes of result file `name` as `ceasefire run` writes it, or
    /// `None` for one the batch has not.
    fn table(&self, name: &str) -> PyResult<Option<Vec<u8>>> {
        self.0.table(result_file(name)?).map_err(job_error)
    }

    /// Writes the results directory exactly as `ceasefire run` does;
    /// returns the files written.
    #[pyo3(signature = (directory, plots = false, force = false))]
    fn write(&self, directory: PathBuf, plots: bool, force: bool) -> PyResult<Vec<String>> {
        let mut exec = execution(None, CancelToken::new());
        exec.force = force;
        self.0.write(&directory, plots, &exec).map_err(job_error)
    }

    /// Runs simulated.
    #[getter]
    fn runs(&self) -> u64 {
        self.0.runs
    }

    /// The batch's warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.0.warnings.clone()
    }

    /// The manifest the results directory would carry, as JSON (without
    /// the files and their digests, which only a written directory has).
    fn manifest(&self) -> String {
        self.0.manifest_json(&execution(None, CancelToken::new()))
    }
}

/// Runs a batch in memory.
#[pyfunction]
#[pyo3(signature = (scenario, runs, seed, threads = None, keep_daily = 0, progress = None))]
fn run(
    py: Python<'_>,
    scenario: &PyScenario,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    keep_daily: u64,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyBatchResults> {
    let loaded = scenario.loaded.clone();
    let results = long(py, progress, move |counter, cancel| {
        let mut job = BatchJob::new(loaded, seed, runs);
        let mut extras = Extras::default();
        extras.keep_daily = keep_daily;
        job.mode = BatchMode::Whole {
            runs,
            checkpoints: Checkpoints::default(),
            extras,
        };
        job.exec = execution(threads, cancel);
        job.simulate(counter)
    })?;
    Ok(PyBatchResults(results))
}

/// Exact answers in memory.
#[pyclass(name = "ExactResults", module = "ceasefire._ceasefire", frozen)]
struct PyExactResults(ExactResults);

#[pymethods]
impl PyExactResults {
    /// The bytes of result file `name` as `ceasefire exact` writes it, or
    /// `None` for one it does not write.
    fn table(&self, name: &str) -> PyResult<Option<Vec<u8>>> {
        self.0.table(result_file(name)?).map_err(job_error)
    }

    /// The scenario's warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.0.warnings.clone()
    }

    /// The manifest `ceasefire exact` writes, as JSON (without the files).
    fn manifest(&self) -> String {
        self.0.manifest_json(&execution(None, CancelToken::new()))
    }
}

/// Solves a scenario exactly.
#[pyfunction]
#[pyo3(signature = (scenario, max_loss = None, max_states = None))]
fn exact(
    py: Python<'_>,
    scenario: &PyScenario,
    max_loss: Option<f64>,
    max_states: Option<usize>,
) -> PyResult<PyExactResults> {
    let loaded = scenario.loaded.clone();
    let results = long(py, None, move |_, _| {
        let mut job = ExactJob::new(loaded);
        job.max_loss = max_loss.unwrap_or(job.max_loss);
        job.max_states = max_states.unwrap_or(job.max_states);
        job.solve()
    })?;
    Ok(PyExactResults(results))
}

/// A paired comparison: the bytes of compare.csv.
#[pyfunction]
#[pyo3(signature = (a, b, runs, seed, threads = None, progress = None))]
fn compare(
    py: Python<'_>,
    a: &PyScenario,
    b: &PyScenario,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<u8>> {
    let (a, b) = (a.loaded.clone(), b.loaded.clone());
    long(py, progress, move |counter, cancel| {
        let mut job = CompareJob::new(a, b, seed, runs);
        job.b_is_file = true;
        job.exec = execution(threads, cancel);
        job.compare_csv(counter)
    })
}

/// The day-by-day record of one run: the bytes of the trace CSV.
#[pyfunction]
fn trace(scenario: &PyScenario, run: u64, seed: u64) -> PyResult<Vec<u8>> {
    let job = TraceJob::new(scenario.loaded.clone(), seed, run);
    let mut bytes = Vec::new();
    job.write(&mut bytes).map_err(job_error)?;
    Ok(bytes)
}

/// A design (CSV text: paths as columns, points as rows) evaluated as
/// `ceasefire sweep --design FILE` does: the bytes of sweep.csv.
#[pyfunction]
#[pyo3(signature = (scenario, design_csv, runs, seed, threads = None, progress = None))]
fn evaluate(
    py: Python<'_>,
    scenario: &PyScenario,
    design_csv: String,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<u8>> {
    let name = "the design".to_string();
    let file = read_design_file(&name, design_csv.as_bytes())
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let loaded = scenario.loaded.clone();
    long(py, progress, move |counter, cancel| {
        let design = SweepDesign::File { name, file };
        let mut job = SweepJob::new(loaded, design, seed, runs);
        job.exec = execution(threads, cancel);
        job.evaluate(counter)?.sweep_csv()
    })
}

/// A sensitivity study, as `ceasefire sensitivity` performs it, written to
/// `out` (a new directory in scratch space, which the caller reads indices.csv, design.csv and
/// outputs.csv from); returns the study's warnings.
#[pyfunction]
#[pyo3(signature = (scenario, vary, out, method = "sobol", samples = 256, second_order = false,
    levels = 4, runs = 2000, seed = 20160912, outcomes = None, resamples = 1000, threads = None,
    progress = None))]
#[allow(clippy::too_many_arguments)]
fn sensitivity(
    py: Python<'_>,
    scenario: &PyScenario,
    vary: Vec<String>,
    out: PathBuf,
    method: &str,
    samples: usize,
    second_order: bool,
    levels: usize,
    runs: u64,
    seed: u64,
    outcomes: Option<Vec<String>>,
    resamples: usize,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<String>> {
    use ceasefire::experiment::Vary;
    let loaded = scenario.loaded.clone();
    let vary = vary
        .iter()
        .map(|v| v.parse::<Vary>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let method = match method {
        "sobol" => StudyMethod::Sobol {
            samples,
            second_order,
        },
        "morris" => StudyMethod::Morris {
            trajectories: samples,
            levels,
        },
        other => {
            return Err(PyValueError::new_err(format!(
                "method '{other}' is not known (allowed: sobol, morris)"
            )));
        }
    };
    let mut job = SensitivityJob::new(loaded, vary, method, seed, runs);
    job.set_outcomes(&outcomes.unwrap_or_default())
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    job.resamples = resamples;
    job.out = Some(out);
    long(py, progress, move |counter, cancel| {
        let mut job = job;
        job.exec = execution(threads, cancel);
        Ok(job.run(counter)?.warnings)
    })
}

/// A fit, as `ceasefire fit` performs it, of the counts file `counts`,
/// written to `out` (a new directory in scratch space, which the caller
/// reads fit.csv, fit.toml and the diagnostics from).
#[pyfunction]
#[pyo3(signature = (counts, out, periods, reference = None, retaliation = "all",
    half_life = "free", burn_in = 0, bootstrap = 0, simulate = 0, seed = 20160912,
    progress = None))]
#[allow(clippy::too_many_arguments)]
fn fit(
    py: Python<'_>,
    counts: PathBuf,
    out: PathBuf,
    periods: Vec<String>,
    reference: Option<String>,
    retaliation: &str,
    half_life: &str,
    burn_in: usize,
    bootstrap: usize,
    simulate: usize,
    seed: u64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<String>> {
    use ceasefire::fit::{FitOptions, HalfLife, PeriodSpec};
    use ceasefire::job::FitJob;
    let bad = |what: &str, e: String| PyValueError::new_err(format!("{what}: {e}"));
    let periods = periods
        .iter()
        .map(|p| p.parse::<PeriodSpec>().map_err(|e| bad("periods", e)))
        .collect::<PyResult<Vec<_>>>()?;
    let mut options = FitOptions::new(periods);
    options.reference = reference;
    options.retaliation = retaliation
        .parse()
        .map_err(|e: String| bad("retaliation", e))?;
    options.half_life = half_life
        .parse::<HalfLife>()
        .map_err(|e| bad("half_life", e))?;
    options.burn_in = burn_in;
    options.bootstrap = bootstrap;
    options.simulate = simulate;
    options.seed = seed;
    long(py, progress, move |counter, cancel| {
        let mut job = FitJob::new(counts, options);
        job.out = Some(out);
        job.exec = execution(None, cancel);
        let done = job.run(counter)?;
        Ok(done.files.iter().map(|f| f.display().to_string()).collect())
    })
}

/// The native module `ceasefire._ceasefire`.
#[pymodule]
fn _ceasefire(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<PyScenarioError>())?;
    m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyScenario>()?;
    m.add_class::<PyBatchResults>()?;
    m.add_class::<PyExactResults>()?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(exact, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(trace, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    Ok(())
}
