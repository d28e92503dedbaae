//! The core benchmark: whole alloc lifecycles of full-snapshot updates (as
//! Nomad's alloc runner sends them), single-task updates, and waking waiters.
//!
//! `cargo bench --bench coordinator`

use std::collections::HashMap;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Waker};

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use tasklifecycle::{Coordinator, Gate, Phase, Stage, TaskSpec, TaskState, Wait};

/// A task group of `n` tasks spread over every stage, as Nomad sees it.
fn group(n: usize) -> Vec<TaskSpec> {
    (0..n)
        .map(|i| match i % 10 {
            0 => TaskSpec::prestart(format!("task-{i}")),
            1 => TaskSpec::prestart_sidecar(format!("task-{i}")),
            2 => TaskSpec::poststart(format!("task-{i}")),
            3 => TaskSpec::poststart_sidecar(format!("task-{i}")),
            4 => TaskSpec::poststop(format!("task-{i}")),
            _ => TaskSpec::main(format!("task-{i}")),
        })
        .collect()
}

/// The nine full snapshots of one lifecycle: all pending → prestart running →
/// prestart ephemeral dead → main running → poststart running → poststart
/// ephemeral dead → all non-poststop dead → poststop running → all dead.
fn lifecycle(specs: &[TaskSpec]) -> Vec<HashMap<String, TaskState>> {
    let mut states: Vec<TaskState> = vec![TaskState::pending(); specs.len()];
    let mut snapshots = vec![];
    let mut snap = |states: &[TaskState]| {
        snapshots.push(
            specs
                .iter()
                .map(|s| s.name.clone())
                .zip(states.iter().copied())
                .collect(),
        )
    };
    let set = |states: &mut Vec<TaskState>, stages: &[Stage], to: TaskState| {
        for (state, spec) in states.iter_mut().zip(specs) {
            if stages.contains(&spec.stage()) {
                *state = to;
            }
        }
    };
    use Stage::*;
    snap(&states);
    set(
        &mut states,
        &[PrestartEphemeral, PrestartSidecar],
        TaskState::running(),
    );
    snap(&states);
    set(&mut states, &[PrestartEphemeral], TaskState::dead());
    snap(&states);
    set(&mut states, &[Main], TaskState::running());
    snap(&states);
    set(
        &mut states,
        &[PoststartEphemeral, PoststartSidecar],
        TaskState::running(),
    );
    snap(&states);
    set(&mut states, &[PoststartEphemeral], TaskState::dead());
    snap(&states);
    set(
        &mut states,
        &[PrestartSidecar, Main, PoststartSidecar],
        TaskState::dead(),
    );
    snap(&states);
    set(&mut states, &[Poststop], TaskState::running());
    snap(&states);
    set(&mut states, &[Poststop], TaskState::dead());
    snap(&states);
    snapshots
}

fn whole_lifecycle(c: &mut Criterion) {
    let mut bench = c.benchmark_group("lifecycle");
    for n in [10, 1_000] {
        let specs = group(n);
        let snapshots = lifecycle(&specs);
        bench.throughput(Throughput::Elements(snapshots.len() as u64));
        // Construction is timed; copying the input task list is not (the Go
        // benchmark hands NewCoordinator a ready slice too).
        bench.bench_with_input(BenchmarkId::new("full_snapshot_updates", n), &n, |b, _| {
            b.iter_batched(
                || specs.clone(),
                |specs| {
                    let coordinator = Coordinator::new(specs).unwrap();
                    for snapshot in &snapshots {
                        coordinator.task_state_updated(snapshot).unwrap();
                    }
                    assert_eq!(coordinator.phase(), Phase::Poststop);
                    coordinator
                },
                BatchSize::SmallInput,
            )
        });
        // The same snapshots as a caller that keeps its tasks in a `Vec` (or
        // an `IndexMap`) sends them: in task order, which the name lookup's
        // first guess exploits. (Go's benchmark iterates a map, like the one above.)
        let ordered: Vec<Vec<(String, TaskState)>> = snapshots
            .iter()
            .map(|snapshot| {
                specs
                    .iter()
                    .map(|s| (s.name.clone(), snapshot[&s.name]))
                    .collect()
            })
            .collect();
        bench.bench_with_input(
            BenchmarkId::new("ordered_snapshot_updates", n),
            &n,
            |b, _| {
                b.iter_batched(
                    || specs.clone(),
                    |specs| {
                        let coordinator = Coordinator::new(specs).unwrap();
                        for snapshot in &ordered {
                            coordinator
                                .task_state_updated(snapshot.iter().map(|(n, s)| (n, s)))
                                .unwrap();
                        }
                        assert_eq!(coordinator.phase(), Phase::Poststop);
                        coordinator
                    },
                    BatchSize::SmallInput,
                )
            },
        );
    }
    let specs = group(1_000);
    bench.bench_function("construct/1000", |b| {
        b.iter_batched(
            || specs.clone(),
            |specs| Coordinator::new(specs).unwrap(),
            BatchSize::SmallInput,
        )
    });
    bench.finish();
}

fn single_task_updates(c: &mut Criterion) {
    let specs = group(1_000);
    let coordinator = Coordinator::new(specs.iter().cloned()).unwrap();
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let mut i = 0;
    c.bench_function("set_task_state/1000", |b| {
        b.iter(|| {
            i = (i + 1) % names.len();
            let state = if i % 2 == 0 {
                TaskState::running()
            } else {
                TaskState::pending()
            };
            coordinator
                .set_task_state(black_box(names[i]), state)
                .unwrap()
        })
    });
    c.bench_function("is_allowed/1000", |b| {
        b.iter(|| {
            i = (i + 1) % names.len();
            coordinator.is_allowed(black_box(names[i])).unwrap()
        })
    });
}

fn wake_waiters(c: &mut Criterion) {
    let mut bench = c.benchmark_group("gate");
    bench.throughput(Throughput::Elements(20_000));
    bench.bench_function("wake_20000_waiters", |b| {
        b.iter(|| {
            let gate = Gate::new();
            let mut waits: Vec<Wait> = (0..20_000).map(|_| gate.wait()).collect();
            let mut cx = Context::from_waker(Waker::noop());
            for wait in &mut waits {
                assert!(Pin::new(wait).poll(&mut cx).is_pending());
            }
            gate.open();
            for wait in &mut waits {
                assert!(Pin::new(wait).poll(&mut cx).is_ready());
            }
        })
    });
    bench.finish();
}

criterion_group!(benches, whole_lifecycle, single_task_updates, wake_waiters);
criterion_main!(benches);
