//! Replays conformance trace files (coordinator or restart-tracker traces,
//! told apart by their shape) through the Rust API.
//!
//! ```text
//! cargo run --release --features trace --example replay -- tests/conformance/*.json
//! ```
//!
//! Prints each mismatch (trace, step, field, got, want) and ends with one line
//! `N traces, S steps, M mismatches`. Exits non-zero when M > 0 or a file
//! can't be read or parsed.

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: replay FILE...  (trace files of either format, as in tests/conformance)");
        return ExitCode::from(2);
    }
    let (mut traces, mut steps, mut mismatches, mut failed) = (0usize, 0usize, 0usize, false);
    for file in &files {
        let parsed = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|json| {
                tasklifecycle::tools::trace::parse_file(&json).map_err(|e| e.to_string())
            });
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                eprintln!("{file}: {err}");
                failed = true;
                continue;
            }
        };
        let (n, s) = parsed.size();
        traces += n;
        steps += s;
        for (name, result) in parsed.replay() {
            match result {
                Ok(found) => {
                    for mismatch in &found {
                        println!("{file}: {mismatch}");
                    }
                    mismatches += found.len();
                }
                Err(err) => {
                    println!("{file}: {name}: invalid trace: {err}");
                    mismatches += 1;
                }
            }
        }
    }
    println!("{traces} traces, {steps} steps, {mismatches} mismatches");
    if failed || mismatches > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
