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

#[test]
fn restart_tracker_traces_replay_exactly() {
    use tasklifecycle::tools::trace::{parse_file, TraceFile};
    let path = conformance_dir().join("restart-tracker.json");
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file = parse_file(&json).expect("restart-tracker traces parse");
    assert!(matches!(file, TraceFile::RestartTracker(_)));
    let (traces, steps) = file.size();
    assert!(traces >= 2_000, "only {traces} traces");
    let mismatches: Vec<String> = file
        .replay()
        .into_iter()
        .flat_map(|(_, r)| r.expect("trace is valid"))
        .map(|m| m.to_string())
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
    println!("restart-tracker.json: {traces} traces, {steps} steps, 0 mismatches");
}

#[test]
fn restart_tracker_replay_reports_every_kind_of_mismatch() {
    // A policy of 2 attempts with a 5 s delay: the first failure restarts
    // within policy after 5..=6.25 s. Each field below is recorded wrong.
    let json = r#"{"traces":[{"name":"wrong","jobType":"service","lifecycle":null,
        "policy":{"attempts":2,"intervalMs":30000,"delayMs":5000,"mode":"fail"},
        "steps":[{"advanceMs":0,"event":{"type":"exit","exitCode":1,"signal":0,"oomKilled":false},
                  "expect":{"state":"Not Restarting","reason":"Restart within policy!","count":2,
                            "minDelayNs":1,"maxDelayNs":2}}]}]}"#;
    let file = tasklifecycle::tools::trace::parse_file(json).unwrap();
    let (_, result) = file.replay().pop().unwrap();
    let fields: Vec<String> = result.unwrap().iter().map(|m| m.field.clone()).collect();
    assert_eq!(fields, ["state", "reason", "count", "delay_ns"]);
    let err = tasklifecycle::tools::trace::parse_file(r#"{"traces":[{"name":"x"}]}"#).unwrap_err();
    assert!(err.to_string().contains("missing field"), "{err}");
}
