//! Replays every trace recorded from the Go original (tests/conformance)
//! through the Rust API: phase and `is_allowed` at every step, and
//! `start_condition_for_task` polled ready exactly when `is_allowed` says so.

use std::path::PathBuf;

fn conformance_dir() -> PathBuf {
    match std::env::var_os("TASKLIFECYCLE_CONFORMANCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance"),
    }
}

fn replay_file(name: &str, min_traces: usize) {
    let path = conformance_dir().join(name);
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let traces = tasklifecycle::tools::trace::parse(&json).expect("traces parse");
    assert!(
        traces.len() >= min_traces,
        "{name}: only {} traces",
        traces.len()
    );
    let mut steps = 0;
    let mut mismatches = Vec::new();
    for trace in &traces {
        steps += trace.steps.len();
        mismatches.extend(trace.replay().expect("trace is valid"));
    }
    let report: Vec<String> = mismatches.iter().take(20).map(|m| m.to_string()).collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches in {name}:\n{}",
        mismatches.len(),
        report.join("\n")
    );
    println!(
        "{name}: {} traces, {steps} steps, 0 mismatches",
        traces.len()
    );
}

#[test]
fn nomad_test_scenarios_replay_exactly() {
    replay_file("nomad-tests.json", 11);
}

#[test]
fn random_traces_replay_exactly() {
    replay_file("random-400.json", 400);
}

#[test]
fn replay_reports_a_mismatch() {
    // A deliberately wrong expectation must be caught, or the tests above prove nothing.
    let json = r#"[{"name":"wrong","tasks":[{"name":"web","lifecycle":null}],
        "steps":[{"op":"update","states":{"web":{"state":"pending","failed":false}}}],
        "expect":[{"state":"init","allowed":{"web":false}},
                  {"state":"prestart","allowed":{"web":false}}]}]"#;
    let traces = tasklifecycle::tools::trace::parse(json).unwrap();
    let found = traces[0].replay().unwrap();
    let fields: Vec<&str> = found.iter().map(|m| m.field.as_str()).collect();
    assert_eq!(fields, ["state", "allowed[web]"]);
    assert_eq!(
        found[0].to_string(),
        "wrong: step 1: state: got main, want prestart"
    );
}

#[test]
fn replay_rejects_malformed_traces() {
    let short = r#"[{"name":"short","tasks":[],"steps":[{"op":"restart"}],"expect":[]}]"#;
    let err = tasklifecycle::tools::trace::parse(short).unwrap()[0]
        .replay()
        .unwrap_err();
    assert!(err.to_string().contains("`short`"), "{err}");
    let err = tasklifecycle::tools::trace::parse(r#"[{"name":1}]"#).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
