//! Property test of the simulated alloc runner: random groups, scripts of
//! runs, restart policies, job types and outside actions. Every run ends
//! within the event budget and the horizon, never panics, keeps time moving
//! forward, and never ends with a killed task marked failed.
#![cfg(feature = "sim")]

use proptest::prelude::*;
use tasklifecycle::model::Stage;
use tasklifecycle::tools::sim::restarts::{JobType, RestartMode, RestartPolicy};
use tasklifecycle::tools::sim::{
    Behaviour, Exit, Outside, Run, Settings, SimEventKind, Simulation, TaskEvent, MAX_EVENTS,
};
use tasklifecycle::TaskSpec;

const MS: u64 = 1_000_000;

fn stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(Stage::ALL.to_vec())
}

fn exit() -> impl Strategy<Value = Exit> {
    prop_oneof![
        prop::sample::select(vec![0, 1, 137]).prop_map(|code| Exit::Code { code }),
        Just(Exit::OomKilled { code: 0 }),
        any::<bool>().prop_map(|recoverable| Exit::StartError { recoverable }),
    ]
}

fn run() -> impl Strategy<Value = Run> {
    (
        0u64..3_000,
        prop::option::weighted(0.8, 0u64..5_000),
        exit(),
    )
        .prop_map(|(start_ms, run_ms, exit)| Run {
            start_ms,
            run_ms,
            exit,
        })
}

fn policy() -> impl Strategy<Value = RestartPolicy> {
    (0u32..4, 0u64..60_000, 0u64..20_000, any::<bool>()).prop_map(
        |(attempts, interval, delay, fail)| RestartPolicy {
            attempts,
            interval: interval * MS,
            delay: delay * MS,
            mode: if fail {
                RestartMode::Fail
            } else {
                RestartMode::Delay
            },
        },
    )
}

fn behaviour() -> impl Strategy<Value = Behaviour> {
    (
        prop::collection::vec(run(), 1..4),
        prop::bool::weighted(0.2),
        0u64..40_000,
        0u64..10_000,
        prop::option::weighted(0.3, policy()),
    )
        .prop_map(
            |(runs, leader, kill_timeout_ms, stop_ms, restart)| Behaviour {
                runs,
                leader,
                kill_timeout_ms,
                stop_ms,
                restart,
            },
        )
}

fn outside(tasks: usize) -> impl Strategy<Value = (u64, Outside)> {
    let action = prop_oneof![
        Just(Outside::StopAlloc),
        Just(Outside::RestartRunning),
        Just(Outside::RestartAll),
        Just(Outside::ClientRestart),
        (0..tasks).prop_map(|task| Outside::RestartTask { task }),
        (0..tasks).prop_map(|task| Outside::KillTask { task }),
    ];
    (0u64..60_000, action)
}

/// Tasks (stage and behaviour), settings, and outside actions by time.
type Scenario = (Vec<(Stage, Behaviour)>, Settings, Vec<(u64, Outside)>);

fn scenario() -> impl Strategy<Value = Scenario> {
    prop::collection::vec((stage(), behaviour()), 1..6).prop_flat_map(|tasks| {
        let n = tasks.len();
        let settings = (
            any::<u64>(),
            prop::sample::select(JobType::ALL.to_vec()),
            prop::option::of(policy()),
            1u64..600_000,
            prop::option::of(1u64..60_000),
        )
            .prop_map(|(seed, job_type, restart, horizon_ms, max_run)| Settings {
                seed,
                jitter: 0.2,
                job_type,
                restart,
                horizon_ms,
                // Nomad allows max_run_duration for batch jobs only.
                max_run_duration_ms: max_run
                    .filter(|_| matches!(job_type, JobType::Batch | JobType::SysBatch)),
            });
        (
            Just(tasks),
            settings,
            prop::collection::vec(outside(n), 0..4),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(300)))]

    #[test]
    fn every_simulation_ends_within_its_bounds((tasks, settings, schedule) in scenario()) {
        let specs: Vec<TaskSpec> = tasks.iter().enumerate().map(|(i, (stage, _))| TaskSpec::in_stage(format!("t{i}"), *stage)).collect();
        let behaviours: Vec<Behaviour> = tasks.into_iter().map(|(_, b)| b).collect();
        let mut sim = Simulation::new(specs, behaviours, settings).unwrap();
        for (at, action) in schedule {
            sim.schedule_outside(at, action).unwrap();
        }
        sim.run();
        prop_assert!(sim.is_finished());
        prop_assert!(sim.events().len() <= MAX_EVENTS);
        prop_assert!(sim.now_ms() <= settings.horizon_ms);
        let times: Vec<u64> = sim.events().iter().map(|e| e.at_ms).collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "time runs forward");
        // A task whose last decision was Killed is dead and not failed.
        for (i, state) in sim.states().iter().enumerate() {
            let last = sim.task_events(i).last().map(|(_, e)| e.clone());
            if last == Some(TaskEvent::Killed) {
                prop_assert!(!state.failed, "task {i} was killed, yet failed");
            }
        }
        let well_formed = sim.events().iter().all(|e| match &e.kind {
            SimEventKind::Task { task, .. } => *task < sim.tasks().len(),
            SimEventKind::Phase(t) => t.from != t.to,
        });
        prop_assert!(well_formed, "events name real tasks and real phase changes");
    }
}

/// `default` cases, or `PROPTEST_CASES` when set (`make mutants` runs fewer;
/// `make fuzz`-style long runs, more).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
