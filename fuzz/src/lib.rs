//! Fuzz targets: one function per parser or decoder that takes outside input.
//!
//! Each takes raw bytes and panics only when a property breaks, so the same
//! function serves AFL++ (`bin/`, `make fuzz`) and the corpus replay in
//! `make test` (`tests/corpus.rs`). The properties, for every target:
//!
//! - no panic, whatever the bytes;
//! - an error names its input (`Error::{Syntax, Invalid, OutOfRange}` carry
//!   it) and says something, in a message no longer than [`MAX_MESSAGE`];
//! - work stays bounded (every loop here has a cap; AFL++ flags hangs);
//! - what parses round-trips or obeys the coordinator's own rules.

use serde::Deserialize;
use tasklifecycle::limits::{MAX_EVENTS, MAX_LINK_LEN};
use tasklifecycle::tools::import::{allocation as read_allocation, jobspec as read_jobspec};
use tasklifecycle::tools::scenario::Scenario;
use tasklifecycle::tools::sim::{Behaviour, Outside, Settings, Simulation};
use tasklifecycle::tools::trace::parse_file;
use tasklifecycle::{Coordinator, Error, Phase, Stage, TaskSpec, TaskState};

/// The longest error message any target may produce: a message quotes its
/// culprit in part, never the whole input.
pub const MAX_MESSAGE: usize = 2_000;

/// Checks `err` says something readable, of bounded length, and (when it is
/// one of the typed kinds) names its input.
fn check_error(err: &Error) {
    let message = err.to_string();
    assert!(!message.trim().is_empty(), "empty error message: {err:?}");
    assert!(
        message.len() <= MAX_MESSAGE,
        "a {}-byte error message",
        message.len()
    );
    if let Error::Syntax { input, .. }
    | Error::Invalid { input, .. }
    | Error::OutOfRange { input, .. } = err
    {
        assert!(!input.is_empty(), "error for an unnamed input: {err:?}");
    }
}

/// [`check_error`], and the error is one of the typed kinds naming `input`.
fn check_input_error(err: &Error, input: &str) {
    let named = match err {
        Error::Syntax { input: i, .. }
        | Error::Invalid { input: i, .. }
        | Error::OutOfRange { input: i, .. } => *i == input,
        _ => false,
    };
    assert!(named, "an error that does not name the {input}: {err:?}");
    check_error(err);
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The jobspec importer (HCL, HCL's JSON form, API JSON).
pub fn jobspec(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match read_jobspec(text) {
        Err(err) => check_input_error(&err, "jobspec"),
        Ok(job) => {
            // Nomad's job validation holds for everything imported.
            assert!(!job.groups.is_empty());
            for group in &job.groups {
                assert!(!group.tasks.is_empty());
                let mut names: Vec<&str> =
                    group.tasks.iter().map(|t| t.spec.name.as_str()).collect();
                names.sort_unstable();
                assert!(
                    names.windows(2).all(|w| w[0] != w[1]),
                    "duplicate task in {names:?}"
                );
                // What the coordinator refuses, it refuses with a named error.
                let specs: Vec<TaskSpec> = group.tasks.iter().map(|t| t.spec.clone()).collect();
                if let Err(err) = Coordinator::new(specs) {
                    check_error(&err);
                }
            }
        }
    }
}

/// The allocation importer (`/v1/allocation/:id` JSON).
pub fn allocation(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match read_allocation(text) {
        Err(err) => check_input_error(&err, "allocation"),
        Ok(alloc) => {
            let mut names: Vec<&str> = alloc.states.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            assert!(names.windows(2).all(|w| w[0] != w[1]));
        }
    }
}

/// The share-link (URL hash) reader: what it reads, it writes back the same.
pub fn share_link(data: &[u8]) {
    let Some(hash) = text(data) else { return };
    match Scenario::from_hash(hash) {
        Err(err) => check_error(&err),
        Ok(scenario) => {
            let written = scenario.to_hash();
            let again = Scenario::from_hash(&written).unwrap_or_else(|err| {
                panic!("a scenario read from a link does not read back: {err}\n{written}")
            });
            assert_eq!(
                again, scenario,
                "round trip changed the scenario: {written}"
            );
            if written.len() <= MAX_LINK_LEN {
                assert_eq!(again.to_hash(), written);
            }
            // A scenario read from a link always makes a coordinator.
            Coordinator::new(scenario.tasks.clone()).expect("link tasks are valid");
        }
    }
}

/// The trace file reader (both formats) and replay: a replay of anything
/// that parses ends, with mismatches or a named error, never a panic.
pub fn trace_file(data: &[u8]) {
    let Some(json) = text(data) else { return };
    match parse_file(json) {
        Err(err) => check_error(&err),
        Ok(file) => {
            for (_, result) in file.replay() {
                if let Err(err) = result {
                    check_error(&err);
                }
            }
        }
    }
}

/// Task specs and state reports as JSON (the form trace files and the
/// importer's messages carry), driven through a coordinator: after every
/// accepted report the gates are exactly those the phase opens.
#[derive(Deserialize)]
struct TaskScript {
    tasks: Vec<TaskSpec>,
    #[serde(default)]
    updates: Vec<Vec<(String, TaskState)>>,
    #[serde(default)]
    restore: bool,
}

pub fn task_json(data: &[u8]) {
    let script: TaskScript = match serde_json::from_slice(data) {
        Ok(script) => script,
        Err(_) => return,
    };
    let c = match Coordinator::new(script.tasks) {
        Ok(c) => c,
        Err(err) => return check_error(&err),
    };
    for (i, update) in script.updates.iter().take(1_000).enumerate() {
        let before = c.phase();
        let result = if script.restore && i == 0 {
            c.restore(update.iter().map(|(n, s)| (n.as_str(), *s)))
        } else {
            c.task_state_updated(update.iter().map(|(n, s)| (n.as_str(), *s)))
        };
        if let Err(err) = result {
            check_error(&err);
            assert_eq!(c.phase(), before, "a refused update changed the phase");
        }
        gates_follow_phase(&c);
    }
}

fn gates_follow_phase(c: &Coordinator) {
    let phase: Phase = c.phase();
    for stage in Stage::ALL {
        if let Some(gate) = c.gate(stage) {
            assert_eq!(gate.is_open(), phase.opens(stage), "{stage} in {phase}");
        }
    }
}

/// The simulator's inputs (what JS `simulate` and the run panel hand it):
/// any accepted input runs to its end within the event budget.
#[derive(Deserialize)]
struct SimInput {
    tasks: Vec<TaskSpec>,
    behaviours: Vec<Behaviour>,
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    outside: Vec<(u64, Outside)>,
}

pub fn simulation(data: &[u8]) {
    let input: SimInput = match serde_json::from_slice(data) {
        Ok(input) => input,
        Err(_) => return,
    };
    let mut sim = match Simulation::new(input.tasks, input.behaviours, input.settings) {
        Ok(sim) => sim,
        Err(err) => return check_error(&err),
    };
    for (at, action) in input.outside.into_iter().take(64) {
        if let Err(err) = sim.schedule_outside(at, action) {
            check_error(&err);
        }
    }
    // Every step handles at least one due thing or ends the run; a run has
    // at most MAX_EVENTS events, so this many steps is a generous bound.
    let mut steps = 0;
    while !sim.is_finished() {
        sim.step();
        steps += 1;
        assert!(
            steps <= 4 * MAX_EVENTS + 1_000,
            "the simulation does not end"
        );
    }
    assert!(sim.events().len() <= MAX_EVENTS);
}
