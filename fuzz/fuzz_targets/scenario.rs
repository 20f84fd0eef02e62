//! Scenario parsing and validation must never panic or hang, whatever the
//! bytes: they are read as a scenario file through the library's public
//! entry point, validated, and, when valid, described as `ceasefire check`
//! describes them (which reads every derived value: the branching ratio,
//! each phase's baseline day, every condition in words).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scenario) = ceasefire::Scenario::from_toml(text, "fuzz.toml") {
        let _ = scenario.describe();
        let _ = ceasefire::model::baseline::describe(&scenario);
        let _ = scenario.branching_ratio();
    }
});
