//! `ceasefire fit`: estimate party parameters and period multipliers from a
//! counts file. Parses options, calls [`ceasefire::fit::run`], writes the
//! results directory and prints a summary.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::fit::{self, FitOptions, HalfLife, IntervalMethod, PeriodSpec, Retaliation};
use ceasefire::job::FitJob;

use super::{Bar, DEFAULT_SEED, Execution};

const EXAMPLES: &str = "EXAMPLES:
  # one period, every pair may retaliate, half-lives free
  ceasefire fit counts.csv --period all=2016-07-01..2016-10-31

  # a surge, the truce and its collapse, each with its own multiplier; the
  # truce and collapse multipliers go to phases of the same names in fit.toml
  ceasefire fit counts.csv --period before=2016-08-01..2016-09-11 \\
      --period truce=2016-09-12..2016-09-19:truce \\
      --period collapse=2016-09-20..2016-10-31:collapse --reference before

  # only the government retaliates, one half-life, a 14-day burn-in, a
  # bootstrap of the intervals and a predictive check with the engine
  ceasefire fit counts.csv --period all=2016-07-15..2016-10-31 --burn-in 14 \\
      --retaliation opposition->government --half-life shared \\
      --bootstrap 200 --simulate 1000 --out results/syria-fit";

/// Estimate baseline rates, retaliation (α), half-lives and period rate
/// multipliers by maximum likelihood from a tidy counts file
/// (date,party,count[,severity]), with 95% intervals, a likelihood-ratio
/// test against no retaliation, goodness-of-fit diagnostics and (with
/// --simulate) a predictive check. Writes fit.csv, fit.toml,
/// fit_diagnostics.csv, fit_diagnostics.svg, manifest.json and, with
/// --simulate, predictive.csv and predictive.svg (docs/calibration.md,
/// docs/outputs.md).
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct FitArgs {
    /// Counts file: date,party,count[,severity] (write one with `ceasefire counts`).
    pub counts: PathBuf,
    /// An observation period NAME=START..END (dates inclusive), optionally
    /// :PHASE to give that scenario phase its fitted rate_multiplier
    /// (repeatable; periods must follow one another without gaps).
    #[arg(
        long = "period",
        value_name = "NAME=START..END[:PHASE]",
        required = true
    )]
    pub periods: Vec<PeriodSpec>,
    /// The period whose multipliers are 1 [default: the first given].
    #[arg(long, value_name = "NAME")]
    pub reference: Option<String>,
    /// Which pairs may retaliate: all (every ordered pair, self-excitation
    /// included), none, or SOURCE->TARGET pairs separated by commas
    /// (attacks of SOURCE provoke TARGET).
    #[arg(long, default_value = "all", value_name = "all|none|P->Q,…")]
    pub retaliation: Retaliation,
    /// Half-lives: free (one per retaliating party), shared (one for all),
    /// or a fixed number of days.
    #[arg(long, default_value = "free", value_name = "free|shared|DAYS")]
    pub half_life: HalfLife,
    /// Days before the first period that feed memory but not the likelihood.
    #[arg(long, default_value_t = 0, value_name = "D")]
    pub burn_in: usize,
    /// Parametric bootstrap replicates (simulated with the engine and refitted).
    #[arg(long, default_value_t = 0, value_name = "B")]
    pub bootstrap: usize,
    /// Runs of the predictive check (the fitted scenario over the periods).
    #[arg(long, default_value_t = 0, value_name = "R")]
    pub simulate: usize,
    /// Master seed of the PIT draws, the bootstrap and the predictive runs.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED, value_parser = super::parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Output directory [default: results/<counts file stem>-fit/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub force: super::Force,
}

pub fn fit(args: FitArgs) -> Result<ExitCode> {
    let mut options = FitOptions::new(args.periods);
    options.reference = args.reference;
    options.retaliation = args.retaliation;
    options.half_life = args.half_life;
    options.burn_in = args.burn_in;
    options.bootstrap = args.bootstrap;
    options.simulate = args.simulate;
    options.seed = args.seed;
    let mut job = FitJob::new(args.counts.clone(), options);
    job.out = args.out;
    job.exec = Execution {
        force: args.force,
        ..Execution::default()
    }
    .job();
    let done = job.run(&Bar::new(args.quiet))?;
    print_summary(&done.fit, &done.dir, &done.files)?;
    Ok(ExitCode::SUCCESS)
}

fn print_summary(f: &fit::Fit, out: &std::path::Path, written: &[PathBuf]) -> Result<()> {
    let mut o = std::io::stdout().lock();
    let days = f.model.scored_days();
    writeln!(
        o,
        "fit of {} parties over {days} days from {} ({} periods; log-likelihood {:.3}, AIC {:.2})",
        f.parties.len(),
        f.first_day,
        f.periods.len(),
        f.log_likelihood,
        f.aic()
    )?;
    writeln!(
        o,
        "{:<16} {:<12} {:<12} {:<12} {:>10} {:>10} {:>10}  method",
        "parameter", "party", "source", "period", "estimate", "ci_low", "ci_high"
    )?;
    let num = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
    for r in f.estimate_rows() {
        if r.method == IntervalMethod::Statistic.as_str()
            || r.method == IntervalMethod::ChiBarSquared.as_str()
        {
            continue;
        }
        writeln!(
            o,
            "{:<16} {:<12} {:<12} {:<12} {:>10} {:>10} {:>10}  {}",
            r.parameter,
            r.party,
            r.source,
            r.period,
            num(r.estimate),
            num(r.ci_low),
            num(r.ci_high),
            r.method
        )?;
    }
    if let Some(t) = &f.lr {
        writeln!(
            o,
            "against no retaliation: LR = {:.3} with {} alpha(s) on the boundary, p = {:.4} (χ̄² mixture; for one alpha 50:50 χ²₀:χ²₁)",
            t.statistic, t.alphas, t.p_value
        )?;
    }
    for c in &f.checks {
        if c.acf.is_empty() {
            writeln!(
                o,
                "goodness of fit, all parties: PIT KS p = {:.4}",
                c.ks_p_value
            )?;
        } else {
            writeln!(
                o,
                "goodness of fit, {}: PIT KS p = {:.4}; residual ACF lag 1 = {:.3}, Ljung–Box (lags 1–14) p = {:.4}",
                c.party, c.ks_p_value, c.acf[0], c.ljung_box_p_value
            )?;
        }
    }
    if let Some(p) = &f.predictive {
        for (i, party) in f.parties.iter().enumerate() {
            writeln!(
                o,
                "predictive check ({} runs), {party}: {:.1}% of days inside the 50% band, {:.1}% inside the 90% band",
                p.runs,
                100.0 * p.inside50[i],
                100.0 * p.inside90[i]
            )?;
        }
    }
    for n in &f.notes {
        writeln!(o, "note: {n}")?;
    }
    for w in &f.warnings {
        writeln!(o, "warning: {w}")?;
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    super::wrote(&mut o, out, &names)?;
    Ok(())
}
