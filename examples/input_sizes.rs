//! How long the largest inputs a stranger may hand over take (issue: no
//! quadratic blow-ups): a 1 MB jobspec (HCL and JSON), a 10,000-task group
//! through the coordinator, a share link at its limit, a simulation at its
//! event budget. Each is timed at two sizes, so the ratio shows whether the
//! work grows in proportion. `cargo run --release --example input_sizes
//! --features tools` (a measurement, not a test).

use std::time::{Duration, Instant};

use tasklifecycle::limits::{MAX_LINK_LEN, MAX_TASKS};
use tasklifecycle::tools::import::jobspec;
use tasklifecycle::tools::scenario::Scenario;
use tasklifecycle::{Coordinator, TaskSpec, TaskState};

fn time(f: impl Fn()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed());
    }
    best
}

fn hcl(tasks: usize) -> String {
    let body: String = (0..tasks)
        .map(|i| format!("    task \"t{i}\" {{\n      driver = \"docker\"\n      lifecycle {{ hook = \"prestart\" }}\n      config {{ image = \"busybox:1.36\" }}\n    }}\n"))
        .collect();
    format!("job \"big\" {{\n  group \"g\" {{\n{body}  }}\n}}\n")
}

fn json(tasks: usize) -> String {
    let body: Vec<String> = (0..tasks)
        .map(|i| format!("{{\"Name\":\"t{i}\",\"Driver\":\"docker\",\"Lifecycle\":{{\"Hook\":\"prestart\",\"Sidecar\":false}},\"Config\":{{\"image\":\"busybox:1.36\"}}}}"))
        .collect();
    format!(
        "{{\"Job\":{{\"ID\":\"big\",\"TaskGroups\":[{{\"Name\":\"g\",\"Tasks\":[{}]}}]}}}}",
        body.join(",")
    )
}

fn report(what: &str, small: (usize, Duration), large: (usize, Duration)) {
    let ratio = large.1.as_secs_f64() / small.1.as_secs_f64();
    let size = large.0 as f64 / small.0 as f64;
    println!(
        "{what:<44} {:>9} → {:>9.2?}   {:>9} → {:>9.2?}   ({size:.0}× the input, {ratio:.1}× the time)",
        small.0, small.1, large.0, large.1
    );
}

fn main() {
    for (what, make) in [
        ("jobspec, HCL (bytes)", hcl as fn(usize) -> String),
        ("jobspec, API JSON (bytes)", json),
    ] {
        let (a, b) = (make(1_000), make(10_000));
        let ta = time(|| drop(jobspec(&a).unwrap()));
        let tb = time(|| drop(jobspec(&b).unwrap()));
        report(what, (a.len(), ta), (b.len(), tb));
    }
    let group = |n: usize| -> Vec<TaskSpec> {
        (0..n)
            .map(|i| TaskSpec::main(format!("task-{i}")))
            .collect()
    };
    let lifecycle = |n: usize| {
        let c = Coordinator::new(group(n)).unwrap();
        let names: Vec<String> = (0..n).map(|i| format!("task-{i}")).collect();
        for state in [
            TaskState::pending(),
            TaskState::running(),
            TaskState::dead(),
        ] {
            c.task_state_updated(names.iter().map(|n| (n.as_str(), state)))
                .unwrap();
        }
    };
    let (ta, tb) = (
        time(|| lifecycle(MAX_TASKS / 10)),
        time(|| lifecycle(MAX_TASKS)),
    );
    report(
        "coordinator: build + 3 full snapshots (tasks)",
        (MAX_TASKS / 10, ta),
        (MAX_TASKS, tb),
    );
    let link = |n: usize| -> String {
        (0..n)
            .map(|i| format!("t{i}=main,pending"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let (a, b) = (link(6), link(64));
    let (ta, tb) = (
        time(|| drop(Scenario::from_hash(&a).unwrap())),
        time(|| drop(Scenario::from_hash(&b).unwrap())),
    );
    report("share link (characters)", (a.len(), ta), (b.len(), tb));
    let over = "x".repeat(64 * MAX_LINK_LEN);
    let t = time(|| drop(Scenario::from_hash(&over).unwrap_err()));
    println!(
        "share link of {} characters: refused in {t:.2?}",
        over.len()
    );
}
