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
