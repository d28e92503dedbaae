//! How long a simulated allocation takes: 20 tasks over every stage, a
//! service job whose tasks keep restarting (a generous policy: 1,000
//! attempts per 30 min, 5 s delay), ten simulated minutes.
//!
//! `cargo bench --bench simulation --features sim`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tasklifecycle::tools::sim::restarts::{RestartMode, RestartPolicy};
use tasklifecycle::tools::sim::{simulate, Behaviour, Settings};

const SEC: u64 = 1_000_000_000;
use tasklifecycle::TaskSpec;

/// 20 tasks over every stage; main tasks exit after a while (and restart).
fn group() -> (Vec<TaskSpec>, Vec<Behaviour>) {
    let tasks: Vec<TaskSpec> = (0..20)
        .map(|i| {
            let name = format!("task-{i}");
            match i % 6 {
                0 => TaskSpec::prestart(name),
                1 => TaskSpec::prestart_sidecar(name),
                2 | 3 => TaskSpec::main(name),
                4 => TaskSpec::poststart(name),
                _ => TaskSpec::poststop(name),
            }
        })
        .collect();
    let behaviours = tasks
        .iter()
        .map(|t| Behaviour::typical(t.stage()))
        .collect();
    (tasks, behaviours)
}

fn ten_minutes(c: &mut Criterion) {
    let (tasks, behaviours) = group();
    let settings = Settings {
        horizon_ms: 600_000,
        restart: Some(RestartPolicy {
            attempts: 1_000,
            interval: 1_800 * SEC,
            delay: 5 * SEC,
            mode: RestartMode::Fail,
        }),
        ..Settings::default()
    };
    let events = simulate(tasks.clone(), behaviours.clone(), settings)
        .unwrap()
        .len();
    c.bench_function(
        &format!("simulation/20_tasks_10_min ({events} events)"),
        |b| b.iter(|| black_box(simulate(tasks.clone(), behaviours.clone(), settings).unwrap())),
    );
}

criterion_group!(benches, ten_minutes);
criterion_main!(benches);
