//! A property test of your own, written against the public API: for any
//! valid scenario and any seed, every run starts in the initial phase and
//! ends in exactly one phase. Scenarios come from `ceasefire::strategies`
//! (feature `proptest-strategies`), seeds from proptest, so a failure
//! shrinks to a small scenario and replays.
//!
//! ```sh
//! cargo run --example own-invariant --features proptest-strategies
//! ```

use ceasefire::engine::BatchError;
use ceasefire::strategies::scenario_text;
use ceasefire::{Batch, Scenario};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn main() {
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &(scenario_text(), any::<u64>(), 1u64..200),
        |(text, seed, runs)| {
            let sc = Scenario::from_toml(&text, "generated.toml")
                .expect("strategies write valid scenarios");
            // A run of an explosive scenario (`ceasefire check` warns of
            // them) may stop with an intensity error: the engine's answer,
            // not a broken invariant, so such a case is set aside.
            let tally = match Batch::new(&sc, seed).run(0..runs) {
                Ok(tally) => tally,
                Err(BatchError::Run(e)) => return Err(TestCaseError::reject(e.source.to_string())),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            };
            let t = &tally.runs;
            prop_assert_eq!(t.count, runs);
            prop_assert_eq!(
                t.entered[sc.initial_phase()],
                runs,
                "every run starts in the initial phase"
            );
            prop_assert_eq!(
                t.in_phase_at_end.iter().sum::<u64>(),
                runs,
                "every run ends in one phase"
            );
            Ok(())
        },
    );
    match result {
        Ok(()) => println!("the invariant held for 64 generated scenarios"),
        Err(e) => {
            eprintln!("the invariant failed: {e}");
            std::process::exit(1);
        }
    }
}
