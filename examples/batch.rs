//! Load a scenario, change a value, run a batch and print the share of runs
//! that enter each phase, with its 95% interval: what `ceasefire run` does,
//! as a library user writes it.
//!
//! ```sh
//! cargo run --release --example batch
//! ```

use ceasefire::scenario::paths::Assignment;
use ceasefire::stats::Metric;
use ceasefire::stats::summary::summary_rows;
use ceasefire::{Batch, Scenario};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The built-in Geneva 2016 scenario, with joint monitoring from day 0.
    let text = ceasefire::builtin::GENEVA_2016;
    let changes = ["monitoring.detection=0.9".parse::<Assignment>()?];
    let scenario = Scenario::from_toml_with(text, "geneva-2016.toml", &changes)?;

    // 20,000 runs under one master seed: the same numbers on every machine,
    // whatever the number of threads.
    let tally = Batch::new(&scenario, 20_160_912).run(0..20_000)?;

    println!("{} with monitoring.detection = 0.9", scenario.name());
    for row in summary_rows(&scenario, &tally) {
        if row.metric == Metric::Entered {
            let e = row.value;
            println!(
                "{:<16} entered by {:>6.2}% of runs (95% interval {:.2}%–{:.2}%)",
                row.subject,
                100.0 * e.estimate,
                100.0 * e.low,
                100.0 * e.high
            );
        }
    }
    Ok(())
}
