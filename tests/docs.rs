//! The docs read the rules; they don't restate them. This test renders the
//! phase → gates table from `Phase::open_stages` and checks the README
//! carries exactly that table.

use tasklifecycle::{Phase, Stage};

fn rendered_table() -> String {
    let mut table = String::from("| phase | open gates |\n|---|---|\n");
    for phase in Phase::ALL {
        let open: Vec<&str> = phase
            .open_stages()
            .iter()
            .map(|s| Stage::as_str(*s))
            .collect();
        let open = if open.is_empty() {
            "none".to_owned()
        } else {
            open.join(", ")
        };
        table.push_str(&format!("| `{phase}` | {open} |\n"));
    }
    table
}

#[test]
fn readme_table_is_the_code_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = rendered_table();
    assert!(
        readme.contains(&table),
        "README.md's phase table is out of date; it must read:\n{table}"
    );
}

/// The README's limit table, rendered from `tasklifecycle::limits::LIMITS`.
fn rendered_limits() -> String {
    let mut table = String::from("| input | at most | enforced by |\n|---|---|---|\n");
    for limit in tasklifecycle::limits::LIMITS {
        table.push_str(&format!(
            "| {} | {} {} | {} |\n",
            limit.what, limit.value, limit.unit, limit.enforced
        ));
    }
    table
}

#[test]
fn readme_limits_are_the_code_limits() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = rendered_limits();
    assert!(
        readme.contains(&table),
        "README.md's limit table is out of date; it must read:\n{table}"
    );
}

/// The npm package's README states the limits a JS caller meets in words;
/// they must be the code's.
#[test]
fn package_readme_states_the_code_limits() {
    use tasklifecycle::limits::*;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/README.md")).unwrap();
    let thousands = |n: usize| format!("{},{:03}", n / 1000, n % 1000);
    for claim in [
        format!("at most {} tasks in a group", thousands(MAX_TASKS)),
        format!("{MAX_NAME_BYTES} bytes (UTF-8) in a task name"),
        format!("at most {MAX_RUNS} runs per task's script"),
        format!("{} events", thousands(MAX_EVENTS)),
    ] {
        assert!(readme.contains(&claim), "www/README.md should say: {claim}");
    }
    assert_eq!(
        MAX_HORIZON_MS,
        7 * 24 * 3_600_000,
        "www/README.md says one week"
    );
}
