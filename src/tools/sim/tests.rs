//! The simulator against Nomad's rules; tests named `nomad_*` port the
//! lifecycle tests of Nomad's `alloc_runner_test.go` (mock driver: `run_for`,
//! `exit_code`, `start_error`).

use super::restarts::{reason, RestartMode};
use super::*;
use crate::{Phase, Stage};

const SEC: u64 = 1_000;

fn settings(job_type: JobType) -> Settings {
    Settings {
        jitter: 0.0,
        job_type,
        ..Settings::default()
    }
}

fn run(job: JobType, tasks: &[(TaskSpec, Behaviour)]) -> Simulation {
    let mut sim = Simulation::new(
        tasks.iter().map(|(t, _)| t.clone()).collect(),
        tasks.iter().map(|(_, b)| b.clone()).collect(),
        settings(job),
    )
    .unwrap();
    sim.run();
    sim
}

fn task(sim: &Simulation, name: &str) -> usize {
    sim.tasks().iter().position(|t| t.name == name).unwrap()
}

/// Task `name`'s kept events as Nomad's type names.
fn types(sim: &Simulation, name: &str) -> Vec<&'static str> {
    sim.task_events(task(sim, name))
        .map(|(_, e)| e.type_name())
        .collect()
}

/// When task `name` first had an event of type `ty`.
fn first(sim: &Simulation, name: &str, ty: &str) -> Option<u64> {
    let i = task(sim, name);
    sim.events().iter().find_map(|e| match &e.kind {
        SimEventKind::Task {
            task,
            event: Some(ev),
            ..
        } if *task == i && ev.type_name() == ty => Some(e.at_ms),
        _ => None,
    })
}

fn count(sim: &Simulation, name: &str, ty: &str) -> usize {
    let i = task(sim, name);
    sim.events()
        .iter()
        .filter(|e| matches!(&e.kind, SimEventKind::Task { task, event: Some(ev), .. } if *task == i && ev.type_name() == ty))
        .count()
}

fn state(sim: &Simulation, name: &str) -> TaskState {
    sim.states()[task(sim, name)]
}

fn b(start_ms: u64, run_ms: Option<u64>, fails: bool) -> Behaviour {
    Behaviour::once(start_ms, run_ms, fails)
}

fn leader(mut behaviour: Behaviour) -> Behaviour {
    behaviour.leader = true;
    behaviour
}

#[test]
fn nomad_task_leader_kill_tg() {
    // A batch job; the leader exits 0 after 1 s while the other task runs 10 s.
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::main("task1"), b(0, Some(10 * SEC), false)),
            (TaskSpec::main("task2"), leader(b(0, Some(SEC), false))),
        ],
    );
    assert_eq!(state(&sim, "task1"), TaskState::dead());
    assert_eq!(state(&sim, "task2"), TaskState::dead());
    assert_eq!(
        types(&sim, "task1"),
        [
            "Received",
            "Task Setup",
            "Started",
            "Leader Task Dead",
            "Killing",
            "Terminated",
            "Killed"
        ]
    );
    let killing = sim
        .task_events(0)
        .find(|(_, e)| e.type_name() == "Killing")
        .unwrap();
    assert_eq!(
        killing.1.message(&["task1", "task2"]),
        "Sent interrupt. Waiting 5s before force killing"
    );
    assert_eq!(first(&sim, "task1", "Killed"), Some(SEC));
}

#[test]
fn nomad_task_main_kill_tg() {
    // Two sidecars running for ever and two main tasks that exit 0: once the
    // main tasks are dead, the sidecars get "Main Tasks Dead" and are killed.
    let sidecar = || b(0, None, false);
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::prestart_sidecar("sidecar"), sidecar()),
            (TaskSpec::poststart_sidecar("poststart"), sidecar()),
            (TaskSpec::main("task1"), b(0, Some(SEC), false)),
            (TaskSpec::main("task2"), b(0, Some(2 * SEC), false)),
        ],
    );
    for name in ["sidecar", "poststart"] {
        assert!(
            types(&sim, name).contains(&"Main Tasks Dead"),
            "{name}: {:?}",
            types(&sim, name)
        );
        assert_eq!(first(&sim, name, "Killed"), Some(2 * SEC));
        assert_eq!(state(&sim, name), TaskState::dead(), "killed, not failed");
    }
    for name in ["task1", "task2"] {
        assert!(!types(&sim, name).contains(&"Main Tasks Dead"));
    }
}

#[test]
fn nomad_lifecycle_poststop() {
    // Poststop waits for the main task, then runs; it is never killed.
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::main("main"), b(0, Some(SEC), false)),
            (TaskSpec::poststop("post"), b(0, Some(SEC), false)),
        ],
    );
    assert_eq!(first(&sim, "post", "Started"), Some(SEC));
    assert_eq!(state(&sim, "post"), TaskState::dead());
    assert_eq!(sim.coordinator().phase(), Phase::Poststop);
    assert!(sim.is_finished() && !sim.was_cut_off());
}

#[test]
fn nomad_kill_tg_dead_tasks() {
    // The leader dies after a task already finished: the finished task gets
    // no Killing event; its last event stays Terminated.
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::main("task"), leader(b(0, Some(10 * SEC), false))),
            (TaskSpec::main("task2"), b(0, Some(1), false)),
        ],
    );
    assert_eq!(types(&sim, "task2").last(), Some(&"Terminated"));
    assert!(!types(&sim, "task2").contains(&"Killing"));
    assert_eq!(
        types(&sim, "task").last(),
        Some(&"Terminated"),
        "the leader exited by itself"
    );
}

#[test]
fn nomad_task_failed_kill_tg() {
    // No restarts allowed; task2 fails to start: task2 is Not Restarting and
    // failed, task1 gets Sibling Task Failed and is killed.
    let mut fails_to_start = b(0, None, false);
    fails_to_start.runs[0].exit = Exit::StartError { recoverable: true };
    let mut sim = Simulation::new(
        vec![TaskSpec::main("task1"), TaskSpec::main("task2")],
        vec![b(0, Some(10 * SEC), false), fails_to_start],
        Settings {
            restart: Some(RestartPolicy {
                attempts: 0,
                ..JobType::Service.default_restart_policy()
            }),
            ..settings(JobType::Service)
        },
    )
    .unwrap();
    sim.run();
    assert_eq!(
        types(&sim, "task2"),
        ["Received", "Task Setup", "Driver Failure", "Not Restarting"]
    );
    assert_eq!(state(&sim, "task2"), TaskState::failed());
    let events: Vec<(u64, TaskEvent)> = sim.task_events(0).cloned().collect();
    assert!(events
        .iter()
        .any(|(_, e)| *e == TaskEvent::SiblingFailed { task: 1 }));
    assert_eq!(
        events[3].1.message(&["task1", "task2"]),
        "Task's sibling \"task2\" failed"
    );
    assert_eq!(state(&sim, "task1"), TaskState::dead());
}

#[test]
fn a_failing_prestart_task_is_retried_then_siblings_are_killed_and_poststop_runs() {
    // Service defaults: 2 attempts in 30 min, 15 s delay (no jitter here:
    // jitter of the restart delay stays within 15..18.75 s).
    let sim = run(
        JobType::Service,
        &[
            (TaskSpec::prestart("migrate"), b(0, Some(SEC), true)),
            (TaskSpec::prestart_sidecar("proxy"), b(0, None, false)),
            (TaskSpec::main("web"), b(0, None, false)),
            (TaskSpec::poststop("cleanup"), b(0, Some(SEC), false)),
        ],
    );
    assert_eq!(
        count(&sim, "migrate", "Started"),
        3,
        "first run and two restarts"
    );
    assert_eq!(count(&sim, "migrate", "Restarting"), 2);
    let not_restarting = sim
        .task_events(0)
        .find(|(_, e)| e.type_name() == "Not Restarting")
        .unwrap();
    assert_eq!(
        not_restarting.1.message(&[""; 0]),
        "Exceeded allowed attempts 2 in interval 30m0s and mode is \"fail\""
    );
    assert_eq!(state(&sim, "migrate"), TaskState::failed());
    assert_eq!(count(&sim, "web", "Started"), 0, "main never started");
    assert!(types(&sim, "web").contains(&"Sibling Task Failed"));
    assert_eq!(state(&sim, "web"), TaskState::dead());
    assert_eq!(
        state(&sim, "proxy"),
        TaskState::dead(),
        "killed, not failed"
    );
    assert_eq!(state(&sim, "cleanup"), TaskState::dead());
    // Poststop starts only once the kill is over (same instant here: the
    // kill takes no time), so after the proxy's death in event order.
    let index = |name: &str, ty: &str| {
        let i = task(&sim, name);
        sim.events().iter().position(|e| matches!(&e.kind, SimEventKind::Task { task, event: Some(ev), .. } if *task == i && ev.type_name() == ty))
    };
    assert!(index("cleanup", "Started") > index("proxy", "Killed"));
}

#[test]
fn a_prestart_task_that_fails_twice_then_succeeds_lets_main_start() {
    let mut flaky = b(0, Some(SEC), true);
    flaky.runs.push(Run::exits(0, Some(SEC), 1));
    flaky.runs.push(Run::exits(0, Some(SEC), 0));
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::prestart("init"), flaky),
            (TaskSpec::main("app"), b(0, Some(SEC), false)),
        ],
    );
    assert_eq!(count(&sim, "init", "Restarting"), 2);
    assert_eq!(state(&sim, "init"), TaskState::dead());
    assert!(first(&sim, "app", "Started").unwrap() > first(&sim, "init", "Started").unwrap());
    assert_eq!(state(&sim, "app"), TaskState::dead());
}

#[test]
fn a_service_main_task_that_exits_0_is_restarted_until_its_attempts_run_out() {
    let sim = run(
        JobType::Service,
        &[(TaskSpec::main("web"), b(0, Some(SEC), false))],
    );
    assert_eq!(count(&sim, "web", "Restarting"), 2);
    // Nomad's jitter: 15 s plus up to a quarter of it, printed as Go does.
    let (_, restarting) = sim
        .task_events(0)
        .find(|(_, e)| e.type_name() == "Restarting")
        .unwrap();
    let TaskEvent::Restarting { delay_ns, .. } = restarting else {
        unreachable!()
    };
    assert!((15_000 * MS..=18_750 * MS).contains(delay_ns), "{delay_ns}");
    assert!(
        restarting
            .message(&[""; 0])
            .starts_with("Task restarting in 1"),
        "{}",
        restarting.message(&[""; 0])
    );
    assert_eq!(
        state(&sim, "web"),
        TaskState::failed(),
        "failed without a non-zero exit"
    );
    let exits: Vec<i32> = sim
        .task_events(0)
        .filter_map(|(_, e)| match e {
            TaskEvent::Terminated { exit_code, .. } => Some(*exit_code),
            _ => None,
        })
        .collect();
    assert_eq!(exits, [0, 0, 0]);
}

#[test]
fn a_batch_main_task_that_exits_0_is_done() {
    let sim = run(
        JobType::Batch,
        &[(TaskSpec::main("report"), b(0, Some(SEC), false))],
    );
    assert_eq!(
        types(&sim, "report"),
        ["Received", "Task Setup", "Started", "Terminated"]
    );
    assert_eq!(state(&sim, "report"), TaskState::dead());
}

#[test]
fn kills_go_leader_first_then_other_tasks_then_sidecars_each_awaited() {
    // The leader takes 2 s to die, the worker 1 s: the worker is interrupted
    // only once the leader is dead, the proxy once the worker is.
    let slow = |ms| {
        let mut behaviour = b(0, None, false);
        behaviour.stop_ms = ms;
        behaviour
    };
    let mut boss = leader(slow(2 * SEC));
    boss.kill_timeout_ms = 60 * SEC; // capped at the client's 30 s
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::prestart_sidecar("proxy"), slow(0)),
            (TaskSpec::main("worker"), slow(SEC)),
            (TaskSpec::main("boss"), boss),
            (TaskSpec::main("crash"), b(0, Some(SEC), true)),
        ],
    );
    // crash fails at 1 s (batch default: 3 attempts, 15 s delay).
    let failed_at = first(&sim, "crash", "Not Restarting").unwrap();
    assert_eq!(first(&sim, "boss", "Killing"), Some(failed_at));
    assert_eq!(first(&sim, "worker", "Killing"), Some(failed_at + 2 * SEC));
    assert_eq!(first(&sim, "proxy", "Killing"), Some(failed_at + 3 * SEC));
    let killing = sim
        .task_events(2)
        .find(|(_, e)| e.type_name() == "Killing")
        .unwrap();
    assert_eq!(
        killing.1.message(&[""; 0]),
        "Sent interrupt. Waiting 30s before force killing"
    );
    // The coordinator hears the states once the whole kill is over.
    let phases: Vec<(u64, Phase)> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            SimEventKind::Phase(t) => Some((e.at_ms, t.to)),
            _ => None,
        })
        .collect();
    assert_eq!(phases.last(), Some(&(failed_at + 3 * SEC, Phase::Poststop)));
}

#[test]
fn a_kill_timeout_bounds_how_long_a_task_takes_to_die() {
    let mut stubborn = b(0, None, false);
    stubborn.stop_ms = 60 * SEC;
    stubborn.kill_timeout_ms = 2 * SEC;
    let sim = run(
        JobType::Batch,
        &[
            (TaskSpec::main("stubborn"), stubborn),
            (TaskSpec::main("lead"), leader(b(0, Some(SEC), false))),
        ],
    );
    assert_eq!(first(&sim, "stubborn", "Killed"), Some(3 * SEC));
}

#[test]
fn kills_are_not_failures_and_a_killed_task_never_restarts() {
    let sim = run(
        JobType::Service,
        &[
            (TaskSpec::main("web"), b(0, None, false)),
            (TaskSpec::main("lead"), leader(b(0, Some(SEC), true))),
        ],
    );
    // The leader failed (after its restarts); web was killed, once.
    assert_eq!(state(&sim, "web"), TaskState::dead());
    assert_eq!(count(&sim, "web", "Started"), 1);
    // A failed leader is a failed sibling first: the alloc runner names the
    // failure unless the leader died successfully.
    assert_eq!(
        types(&sim, "web")[3..],
        ["Sibling Task Failed", "Killing", "Terminated", "Killed"]
    );
}

#[test]
fn each_task_keeps_its_last_ten_events() {
    let mut restarts = b(0, Some(SEC), true);
    restarts.restart = Some(RestartPolicy {
        attempts: 20,
        interval: 3_600_000 * MS,
        delay: SEC * MS,
        mode: RestartMode::Fail,
    });
    let sim = run(JobType::Service, &[(TaskSpec::main("loop"), restarts)]);
    let kept: Vec<&'static str> = types(&sim, "loop");
    assert_eq!(kept.len(), EVENTS_KEPT);
    assert_eq!(kept.last(), Some(&"Not Restarting"));
    assert_eq!(count(&sim, "loop", "Started"), 21);
}

#[test]
fn an_unrecoverable_start_error_is_never_retried() {
    let mut broken = b(0, None, false);
    broken.runs[0].exit = Exit::StartError { recoverable: false };
    let sim = run(JobType::Service, &[(TaskSpec::main("web"), broken)]);
    let last = sim.task_events(0).last().unwrap();
    assert_eq!(
        last.1,
        TaskEvent::NotRestarting {
            reason: reason::UNRECOVERABLE_ERROR.into()
        }
    );
    assert_eq!(state(&sim, "web"), TaskState::failed());
}

#[test]
fn zero_delays_and_endless_restarts_stop_at_the_event_budget() {
    // A prestart sidecar that exits at once and, with mode "delay" and a
    // zero interval, is restarted at once for ever: the budget ends it.
    let forever = RestartPolicy {
        attempts: 1,
        interval: 0,
        delay: 0,
        mode: RestartMode::Delay,
    };
    let mut sim = Simulation::new(
        vec![TaskSpec::prestart_sidecar("p"), TaskSpec::main("w")],
        vec![b(0, Some(0), false), b(0, None, false)],
        Settings {
            restart: Some(forever),
            ..settings(JobType::Service)
        },
    )
    .unwrap();
    sim.run();
    assert!(sim.was_cut_off());
    assert!(sim.events().len() <= MAX_EVENTS);
}

#[test]
fn the_horizon_is_capped() {
    let err = Simulation::new(
        vec![TaskSpec::main("a")],
        vec![b(0, None, false)],
        Settings {
            horizon_ms: u64::MAX,
            ..Settings::default()
        },
    )
    .err()
    .unwrap();
    assert!(
        matches!(
            err,
            Error::OutOfRange {
                input: "horizonMs",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("at most 604800000"));
    let mut sim = Simulation::new(
        vec![TaskSpec::main("a")],
        vec![b(0, Some(2 * SEC), false)],
        Settings {
            horizon_ms: SEC,
            ..settings(JobType::Batch)
        },
    )
    .unwrap();
    sim.run();
    assert!(sim.was_cut_off() && sim.now_ms() <= SEC);
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let tasks = vec![
        TaskSpec::prestart("init"),
        TaskSpec::main("web"),
        TaskSpec::poststop("bye"),
    ];
    let behaviours: Vec<Behaviour> = tasks
        .iter()
        .map(|t| Behaviour::typical(t.stage()))
        .collect();
    let seeded = |seed| Settings {
        seed,
        ..Settings::default()
    };
    let a = simulate(tasks.clone(), behaviours.clone(), seeded(7)).unwrap();
    let b = simulate(tasks.clone(), behaviours.clone(), seeded(7)).unwrap();
    let c = simulate(tasks, behaviours, seeded(8)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c, "jitter depends on the seed");
}

#[test]
fn step_and_run_until_advance_the_clock() {
    let tasks = vec![TaskSpec::prestart("init"), TaskSpec::main("web")];
    let behaviours = vec![b(100, Some(200), false), b(100, Some(300), false)];
    let mut sim = Simulation::new(tasks, behaviours, settings(JobType::Batch)).unwrap();
    assert_eq!(sim.next_event_ms(), Some(100));
    assert!(sim.step() > 0);
    assert_eq!(sim.now_ms(), 100);
    sim.run_until(350);
    assert_eq!(sim.now_ms(), 350);
    assert_eq!(sim.coordinator().phase(), Phase::Main);
    sim.run();
    assert!(sim.is_finished());
    let err = Simulation::new(vec![TaskSpec::main("a")], vec![], Settings::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("0 behaviours for 1 tasks"));
}

/// The group of Nomad's `TestAllocRunner_Lifecycle_Restart`, with its policy
/// (1 attempt in 10 min, 1 ns delay).
fn lifecycle_group(job: JobType, leader_main: bool) -> Simulation {
    let mut main = b(0, Some(100 * SEC), false);
    main.leader = leader_main;
    let tasks = vec![
        (TaskSpec::main("main"), main),
        (
            TaskSpec::prestart("prestart-oneshot"),
            b(0, Some(SEC), false),
        ),
        (
            TaskSpec::prestart_sidecar("prestart-sidecar"),
            b(0, Some(100 * SEC), false),
        ),
        (
            TaskSpec::poststart("poststart-oneshot"),
            b(0, Some(SEC), false),
        ),
        (
            TaskSpec::poststart_sidecar("poststart-sidecar"),
            b(0, Some(100 * SEC), false),
        ),
        (TaskSpec::poststop("poststop"), b(0, Some(SEC), false)),
    ];
    let policy = RestartPolicy {
        attempts: 1,
        interval: 600 * SEC * MS,
        delay: 1,
        mode: RestartMode::Fail,
    };
    Simulation::new(
        tasks.iter().map(|(t, _)| t.clone()).collect(),
        tasks.into_iter().map(|(_, b)| b).collect(),
        Settings {
            restart: Some(policy),
            ..settings(job)
        },
    )
    .unwrap()
}

/// Each task's state and restart count, as the Nomad test compares them.
fn after(sim: &Simulation) -> Vec<(&str, Status, u32)> {
    sim.tasks()
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), sim.states()[i].state, sim.restarts(i)))
        .collect()
}

#[test]
fn nomad_lifecycle_restart_entire_allocation() {
    for (job, leader) in [
        (JobType::Service, false),
        (JobType::Batch, false),
        (JobType::Service, true),
    ] {
        let mut sim = lifecycle_group(job, leader);
        sim.run_until(5 * SEC);
        assert!(sim.act_now(Outside::RestartAll).unwrap());
        sim.run_until(20 * SEC);
        use Status::*;
        assert_eq!(
            after(&sim),
            [
                ("main", Running, 1),
                ("prestart-oneshot", Dead, 1),
                ("prestart-sidecar", Running, 1),
                ("poststart-oneshot", Dead, 1),
                ("poststart-sidecar", Running, 1),
                ("poststop", Pending, 0),
            ],
            "{job} (leader: {leader})"
        );
        let signaled = sim
            .task_events(1)
            .find(|(_, e)| e.type_name() == "Restart Signaled")
            .unwrap();
        assert_eq!(
            signaled.1.message(&[""; 0]),
            "User requested all tasks to restart"
        );
        // The coordinator went back to init and through the phases again.
        let phases: Vec<Phase> = sim
            .events()
            .iter()
            .filter_map(|e| match &e.kind {
                SimEventKind::Phase(t) => Some(t.to),
                _ => None,
            })
            .collect();
        assert_eq!(
            phases.iter().filter(|&&p| p == Phase::Prestart).count(),
            2,
            "{phases:?}"
        );
    }
}

#[test]
fn nomad_lifecycle_restart_only_running_tasks() {
    for job in [JobType::Service, JobType::Batch] {
        let mut sim = lifecycle_group(job, false);
        sim.run_until(5 * SEC);
        assert!(sim.act_now(Outside::RestartRunning).unwrap());
        sim.run_until(20 * SEC);
        use Status::*;
        assert_eq!(
            after(&sim),
            [
                ("main", Running, 1),
                ("prestart-oneshot", Dead, 0),
                ("prestart-sidecar", Running, 1),
                ("poststart-oneshot", Dead, 0),
                ("poststart-sidecar", Running, 1),
                ("poststop", Pending, 0),
            ],
            "{job}"
        );
        // Outside the policy: the restart is immediate and uncounted.
        let (_, restarting) = sim
            .task_events(0)
            .find(|(_, e)| e.type_name() == "Restarting")
            .unwrap();
        assert_eq!(restarting.message(&[""; 0]), "Task restarting in 0s");
    }
}

#[test]
fn restarting_a_task_that_is_not_running_does_nothing() {
    let mut sim = lifecycle_group(JobType::Service, false);
    sim.run_until(5 * SEC);
    assert!(
        !sim.act_now(Outside::RestartTask { task: 1 }).unwrap(),
        "prestart-oneshot is dead"
    );
    assert!(
        !sim.act_now(Outside::RestartTask { task: 5 }).unwrap(),
        "poststop is pending"
    );
    assert!(sim.act_now(Outside::RestartTask { task: 0 }).unwrap());
    assert!(sim.act_now(Outside::RestartTask { task: 9 }).is_err());
}

#[test]
fn stopping_the_alloc_kills_every_task_in_order_then_runs_poststop() {
    let mut sim = lifecycle_group(JobType::Service, true);
    sim.schedule_outside(5 * SEC, Outside::StopAlloc).unwrap();
    sim.run();
    let killing: Vec<&str> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            SimEventKind::Task {
                task,
                event: Some(TaskEvent::Killing { .. }),
                ..
            } => Some(sim.tasks()[*task].name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        killing,
        ["main", "prestart-sidecar", "poststart-sidecar"],
        "leader, then the sidecars; dead tasks get none"
    );
    assert_eq!(state(&sim, "poststop"), TaskState::dead());
    assert!(first(&sim, "poststop", "Started").unwrap() >= 5 * SEC);
    assert!(
        sim.states().iter().all(|s| !s.failed),
        "kills are not failures"
    );
}

#[test]
fn killing_the_leader_kills_the_group() {
    let mut sim = lifecycle_group(JobType::Service, true);
    sim.schedule_outside(5 * SEC, Outside::KillTask { task: 0 })
        .unwrap();
    sim.run();
    assert!(types(&sim, "prestart-sidecar").contains(&"Leader Task Dead"));
    assert_eq!(state(&sim, "main"), TaskState::dead());
    assert_eq!(sim.coordinator().phase(), Phase::Poststop);
}

#[test]
fn nomad_task_runner_restore_running() {
    // After a client restart, a running task is reattached, not restarted;
    // the coordinator is rebuilt with restore.
    a_client_restart_restores_the_coordinator_and_keeps_running_tasks();
}

fn a_client_restart_restores_the_coordinator_and_keeps_running_tasks() {
    let mut sim = lifecycle_group(JobType::Service, false);
    sim.run_until(5 * SEC);
    let phase = sim.coordinator().phase();
    let started_before = count(&sim, "main", "Started");
    sim.act_now(Outside::ClientRestart).unwrap();
    assert_eq!(sim.coordinator().phase(), phase, "restore skips init");
    sim.run_until(20 * SEC);
    assert_eq!(
        count(&sim, "main", "Started"),
        started_before,
        "running tasks keep running"
    );
    assert_eq!(state(&sim, "main"), TaskState::running());
    assert_eq!(state(&sim, "poststop"), TaskState::pending());
}

#[test]
fn nomad_max_run_duration_skips_poststop_tasks() {
    // A batch job with max_run_duration 1 s: the main task (100 s) is killed
    // at 1 s and the poststop task never starts.
    let mut sim = Simulation::new(
        vec![TaskSpec::main("main"), TaskSpec::poststop("post")],
        vec![b(0, Some(100 * SEC), false), b(0, Some(10 * SEC), false)],
        Settings {
            max_run_duration_ms: Some(SEC),
            ..settings(JobType::Batch)
        },
    )
    .unwrap();
    sim.run();
    assert_eq!(state(&sim, "main"), TaskState::dead());
    assert_eq!(state(&sim, "post"), TaskState::dead());
    assert_eq!(count(&sim, "post", "Started"), 0, "poststop never ran");
    let (at, killing) = sim
        .task_events(0)
        .find(|(_, e)| e.type_name() == "Killing")
        .unwrap();
    assert_eq!(*at, SEC);
    assert_eq!(
        killing.message(&[""; 0]),
        "allocation exceeded max_run_duration"
    );
    assert_eq!(
        types(&sim, "post"),
        ["Received", "Killing"],
        "as Nomad's test expects"
    );
}

#[test]
fn max_run_duration_is_for_batch_jobs_only() {
    let err = Simulation::new(
        vec![TaskSpec::main("a")],
        vec![b(0, None, false)],
        Settings {
            max_run_duration_ms: Some(SEC),
            ..settings(JobType::Service)
        },
    )
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "job type \"service\" does not allow max_run_duration"
    );
}

#[test]
fn nomad_task_runner_run_recoverable_start_error() {
    // Attempts 1, delay 0, mode fail; the driver fails to start the task,
    // recoverably, every time.
    let mut broken = b(0, None, false);
    broken.runs[0].exit = Exit::StartError { recoverable: true };
    broken.restart = Some(RestartPolicy {
        attempts: 1,
        interval: 600 * SEC * MS,
        delay: 0,
        mode: RestartMode::Fail,
    });
    let sim = run(JobType::Batch, &[(TaskSpec::main("web"), broken)]);
    assert_eq!(state(&sim, "web"), TaskState::failed());
    assert_eq!(
        types(&sim, "web"),
        [
            "Received",
            "Task Setup",
            "Driver Failure",
            "Restarting",
            "Driver Failure",
            "Not Restarting"
        ]
    );
}

#[test]
fn nomad_task_runner_restart_signal_task_not_running() {
    // A restart asked for while the task is pending does nothing; the task
    // then runs and exits as it would have.
    let mut sim = Simulation::new(
        vec![TaskSpec::main("web")],
        vec![b(10, Some(0), false)],
        settings(JobType::Batch),
    )
    .unwrap();
    assert_eq!(sim.states()[0], TaskState::pending());
    assert!(
        !sim.act_now(Outside::RestartTask { task: 0 }).unwrap(),
        "not running: nothing happens"
    );
    sim.run();
    assert_eq!(state(&sim, "web"), TaskState::dead());
    assert_eq!(
        types(&sim, "web"),
        ["Received", "Task Setup", "Started", "Terminated"]
    );
}

/// Runs `sim` to the end; returns the tasks' states when the alloc runner
/// first decided to kill (replayed from the task events up to the first
/// kill cause), and the states at the end.
fn around_first_kill(mut sim: Simulation) -> (Vec<TaskState>, Vec<TaskState>) {
    sim.run();
    let mut before = vec![TaskState::pending(); sim.tasks().len()];
    for e in sim.events() {
        if let SimEventKind::Task { task, event, state } = &e.kind {
            let cause = matches!(
                event,
                Some(TaskEvent::SiblingFailed { .. } | TaskEvent::LeaderDead | TaskEvent::MainDead)
            );
            if cause {
                return (before, sim.states().to_vec());
            }
            before[*task] = *state;
        }
    }
    panic!("no kill happened")
}

#[test]
fn the_switchboards_apply_reaches_the_states_the_simulator_does() {
    // The same positions the playground's "apply" is tested from: a failed
    // prestart task, a dead leader, dead main tasks with a sidecar left.
    let poststop = || {
        (
            TaskSpec::in_stage("cleanup", Stage::Poststop),
            b(0, Some(SEC), false),
        )
    };
    let cases: [(JobType, Vec<(TaskSpec, Behaviour)>); 3] = [
        (
            JobType::Batch,
            vec![
                (
                    TaskSpec::in_stage("init", Stage::PrestartEphemeral),
                    b(0, Some(SEC), true),
                ),
                (
                    TaskSpec::in_stage("proxy", Stage::PrestartSidecar),
                    b(0, None, false),
                ),
                (TaskSpec::main("web"), b(0, Some(10 * SEC), false)),
                poststop(),
            ],
        ),
        (
            JobType::Batch,
            vec![
                (TaskSpec::main("task1"), b(0, Some(10 * SEC), false)),
                (TaskSpec::main("task2"), leader(b(0, Some(SEC), false))),
                (
                    TaskSpec::in_stage("ship", Stage::PoststartSidecar),
                    b(0, None, false),
                ),
                poststop(),
            ],
        ),
        (
            JobType::Batch,
            vec![
                (
                    TaskSpec::in_stage("proxy", Stage::PrestartSidecar),
                    b(0, None, false),
                ),
                (TaskSpec::main("web"), b(0, Some(SEC), false)),
                poststop(),
            ],
        ),
    ];
    for (job, tasks) in cases {
        let mut settings = settings(job);
        settings.restart = Some(restarts::RestartPolicy {
            attempts: 0,
            mode: RestartMode::Fail,
            ..job.default_restart_policy()
        });
        let specs: Vec<TaskSpec> = tasks.iter().map(|(t, _)| t.clone()).collect();
        let leaders: Vec<bool> = tasks.iter().map(|(_, b)| b.leader).collect();
        let sim = Simulation::new(
            specs.clone(),
            tasks.iter().map(|(_, b)| b.clone()).collect(),
            settings,
        )
        .unwrap();
        let (before, after) = around_first_kill(sim);
        let group = alloc::Group {
            specs: &specs,
            leaders: &leaders,
        };
        let verdict = group.verdict(&before);
        assert!(verdict.kill.is_some(), "{before:?}");
        let applied = group.after_kill(&verdict, &before);
        for t in (0..specs.len()).filter(|&t| !group.is_poststop(t)) {
            assert_eq!(
                applied[t], after[t],
                "{}: {before:?} → {after:?}",
                specs[t].name
            );
        }
    }
}
