//! Writes the seed corpora that come from the presets (share links, task
//! JSON, simulation inputs): `cargo run --example seed` in fuzz/. The
//! jobspec, allocation and trace seeds are copies of tests/fixtures and
//! slices of tests/conformance (see README.md).

use std::path::Path;

use serde_json::json;
use tasklifecycle::tools::scenario::PRESETS;
use tasklifecycle::tools::sim::Outside;
use tasklifecycle::{Status, TaskState};

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for preset in PRESETS {
        let scenario = preset.scenario();
        let id = preset.id;
        std::fs::write(corpus.join("share_link").join(id), scenario.to_hash()).unwrap();
        // Each task reported in turn: pending, running, then dead.
        let mut updates = Vec::new();
        for state in [
            TaskState::pending(),
            TaskState::running(),
            TaskState::dead(),
        ] {
            for task in &scenario.tasks {
                updates.push(vec![(task.name.clone(), state)]);
            }
        }
        updates.push(vec![(
            scenario.tasks[0].name.clone(),
            TaskState {
                state: Status::Dead,
                failed: true,
            },
        )]);
        let script = json!({ "tasks": scenario.tasks, "updates": updates });
        std::fs::write(corpus.join("task_json").join(id), script.to_string()).unwrap();
        let input = json!({
            "tasks": scenario.tasks,
            "behaviours": preset.behaviours(),
            "settings": { "seed": 7, "horizonMs": 600_000 },
            "outside": [[60_000, Outside::RestartAll], [120_000, Outside::ClientRestart], [300_000, Outside::StopAlloc]],
        });
        std::fs::write(corpus.join("simulation").join(id), input.to_string()).unwrap();
    }
}
