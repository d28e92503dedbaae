//! A simulated alloc runner: task runners that wait on their real start
//! conditions, start, run and exit on a seeded, simulated clock, reporting
//! every state change to a real [`Coordinator`] as Nomad's alloc runner does.
//!
//! Nomad's alloc-runner rules it follows:
//! - a task that dies failed gets its live siblings killed;
//! - when the leader dies, every other task is killed;
//! - once every main task is dead and only sidecars are alive, the sidecars are killed;
//! - kills go leader first, then other non-sidecar non-poststop tasks, then sidecars;
//! - poststop tasks are never killed: they run once everything else is dead;
//! - restarts: a prestart or poststart sidecar that exits 0 is restarted;
//!   ephemeral hooks, main tasks and poststop tasks are not; failures are final.

pub mod restarts;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::gate::Wait;
use crate::model::{Stage, TaskSpec, TaskState};
use crate::phase::Phase;
use crate::Coordinator;

/// How a simulated task behaves once its gate lets it start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Behaviour {
    /// From admission to running.
    pub start_ms: u64,
    /// From running to exit; `None` runs until killed.
    pub run_ms: Option<u64>,
    /// Whether it exits failed (non-zero) rather than 0.
    pub fails: bool,
    /// Nomad's `leader`: when it dies, every other task is killed.
    pub leader: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            start_ms: 500,
            run_ms: Some(3_000),
            fails: false,
            leader: false,
        }
    }
}

impl Behaviour {
    /// A sensible behaviour for a task of `stage`: sidecars run until killed,
    /// main tasks run longest, hooks briefly.
    pub fn typical(stage: Stage) -> Self {
        let run_ms = match stage {
            Stage::PrestartSidecar | Stage::PoststartSidecar => None,
            Stage::Main => Some(8_000),
            Stage::PrestartEphemeral => Some(2_000),
            Stage::PoststartEphemeral => Some(1_500),
            Stage::Poststop => Some(1_000),
        };
        Behaviour {
            start_ms: 500,
            run_ms,
            ..Behaviour::default()
        }
    }
}

/// The simulation's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// Seeds the jitter: the same seed and settings give the same run.
    pub seed: u64,
    /// Each duration is scaled by a random factor in `1 ± jitter` (0 to 0.9).
    pub jitter: f64,
    /// Delay before a sidecar that exited 0 runs again.
    pub restart_delay_ms: u64,
    /// The simulation stops here, finished or not.
    pub horizon_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            jitter: 0.2,
            restart_delay_ms: 1_000,
            horizon_ms: 120_000,
        }
    }
}

/// What happened, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimEvent {
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: SimEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SimEventKind {
    /// A task's reported state changed.
    Task {
        task: String,
        state: TaskState,
        /// `admitted`, `started`, `exited`, `failed`, `killed: ...`, `restarting`.
        why: String,
    },
    /// The coordinator's phase changed.
    Phase { from: Phase, to: Phase },
    /// A gate opened or closed.
    Gate { stage: Stage, open: bool },
}

/// Where a task runner is.
enum Runner {
    /// Waiting on its start condition (the real future).
    Waiting(Wait),
    /// Admitted or restarting; a `Start` action is scheduled.
    Starting,
    Running,
    Dead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Start,
    Exit,
}

/// A scheduled action; `epoch` drops actions of a task that was killed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    at_ms: u64,
    seq: u64,
    task: usize,
    epoch: u32,
    action: Action,
}

/// A running simulation, advanced event by event.
pub struct Simulation {
    coordinator: Coordinator,
    tasks: Vec<TaskSpec>,
    stages: Vec<Stage>,
    behaviours: Vec<Behaviour>,
    settings: Settings,
    rng: fastrand::Rng,
    now_ms: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
    runners: Vec<Runner>,
    epochs: Vec<u32>,
    states: Vec<TaskState>,
    events: Vec<SimEvent>,
}

impl Simulation {
    /// A simulation at time 0: every task pending and reported, runners waiting.
    /// `behaviours` must have one entry per task.
    pub fn new(
        tasks: Vec<TaskSpec>,
        behaviours: Vec<Behaviour>,
        settings: Settings,
    ) -> Result<Self, Error> {
        if behaviours.len() != tasks.len() {
            return Err(Error::out_of_range(
                "behaviours",
                format!("{} behaviours for {} tasks", behaviours.len(), tasks.len()),
            ));
        }
        if !(0.0..=0.9).contains(&settings.jitter) {
            return Err(Error::out_of_range(
                "jitter",
                "jitter must be between 0 and 0.9",
            ));
        }
        let coordinator = Coordinator::new(tasks.clone())?;
        let mut runners = Vec::with_capacity(tasks.len());
        for task in &tasks {
            runners.push(Runner::Waiting(
                coordinator.start_condition_for_task(&task.name)?,
            ));
        }
        let mut sim = Simulation {
            stages: tasks.iter().map(TaskSpec::stage).collect(),
            states: vec![TaskState::pending(); tasks.len()],
            epochs: vec![0; tasks.len()],
            rng: fastrand::Rng::with_seed(settings.seed),
            coordinator,
            tasks,
            behaviours,
            settings,
            now_ms: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            runners,
            events: Vec::new(),
        };
        sim.report();
        Ok(sim)
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn coordinator(&self) -> &Coordinator {
        &self.coordinator
    }

    pub fn tasks(&self) -> &[TaskSpec] {
        &self.tasks
    }

    /// Each task's current state, in task order.
    pub fn states(&self) -> &[TaskState] {
        &self.states
    }

    /// Whether task `task`'s runner is still waiting on its start condition.
    pub fn is_waiting(&self, task: usize) -> bool {
        matches!(self.runners.get(task), Some(Runner::Waiting(_)))
    }

    /// Everything that happened so far, in order.
    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    /// When the next thing happens, if anything will before the horizon.
    pub fn next_event_ms(&self) -> Option<u64> {
        self.queue
            .peek()
            .map(|Reverse(s)| s.at_ms)
            .filter(|&t| t <= self.settings.horizon_ms)
    }

    /// Whether nothing more will happen (everything done, blocked forever, or the horizon reached).
    pub fn is_finished(&self) -> bool {
        self.next_event_ms().is_none()
    }

    /// Advances to the next event time and handles everything due then.
    /// Returns how many events it added.
    pub fn step(&mut self) -> usize {
        let before = self.events.len();
        if let Some(t) = self.next_event_ms() {
            self.now_ms = t;
            while let Some(Reverse(next)) = self.queue.peek().copied() {
                if next.at_ms != t {
                    break;
                }
                self.queue.pop();
                if next.epoch == self.epochs[next.task] {
                    self.act(next.task, next.action);
                }
            }
        }
        self.events.len() - before
    }

    /// Handles every event up to and including `t_ms`, then sets the clock to it.
    pub fn run_until(&mut self, t_ms: u64) {
        while self.next_event_ms().is_some_and(|next| next <= t_ms) {
            self.step();
        }
        self.now_ms = self.now_ms.max(t_ms.min(self.settings.horizon_ms));
    }

    /// Runs until nothing more happens or the horizon.
    pub fn run(&mut self) {
        while !self.is_finished() {
            self.step();
        }
    }

    fn jittered(&mut self, ms: u64) -> u64 {
        let factor = 1.0 + self.settings.jitter * (2.0 * self.rng.f64() - 1.0);
        (ms as f64 * factor).round() as u64
    }

    fn schedule(&mut self, task: usize, after_ms: u64, action: Action) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            at_ms: self.now_ms + after_ms,
            seq: self.seq,
            task,
            epoch: self.epochs[task],
            action,
        }));
    }

    fn act(&mut self, task: usize, action: Action) {
        match action {
            Action::Start => {
                self.runners[task] = Runner::Running;
                self.set(task, TaskState::running(), "started".into());
                if let Some(run_ms) = self.behaviours[task].run_ms {
                    let run_ms = self.jittered(run_ms);
                    self.schedule(task, run_ms, Action::Exit);
                }
            }
            Action::Exit => self.exited(task),
        }
    }

    fn exited(&mut self, task: usize) {
        let behaviour = self.behaviours[task];
        let sidecar = self.stages[task].is_sidecar();
        if sidecar && !behaviour.fails {
            // Restarted: pending until it runs again; its gate is not waited on again.
            self.runners[task] = Runner::Starting;
            self.set(task, TaskState::pending(), "exited 0: restarting".into());
            let delay = self.settings.restart_delay_ms + self.jittered(behaviour.start_ms);
            self.schedule(task, delay, Action::Start);
            return;
        }
        self.runners[task] = Runner::Dead;
        let (state, why) = if behaviour.fails {
            (TaskState::failed(), "exited non-zero: failed")
        } else {
            (TaskState::dead(), "exited 0")
        };
        self.set(task, state, why.into());
        let name = self.tasks[task].name.clone();
        if behaviour.fails {
            self.kill_all(&format!("killed: sibling `{name}` failed"));
        } else if behaviour.leader {
            self.kill_all(&format!("killed: leader `{name}` died"));
        }
        self.kill_sidecars_if_main_done();
    }

    fn alive(&self, task: usize) -> bool {
        !matches!(self.runners[task], Runner::Dead)
    }

    /// Kills every live non-poststop task, in Nomad's order.
    fn kill_all(&mut self, why: &str) {
        for task in self.kill_order() {
            self.kill(task, why);
        }
    }

    /// Once every main task is dead and only sidecars are alive, kills them.
    fn kill_sidecars_if_main_done(&mut self) {
        let mains_dead = (0..self.tasks.len())
            .filter(|&t| self.stages[t] == Stage::Main)
            .all(|t| !self.alive(t));
        let only_sidecars = (0..self.tasks.len())
            .filter(|&t| self.alive(t) && self.stages[t] != Stage::Poststop)
            .all(|t| self.stages[t].is_sidecar());
        if mains_dead && only_sidecars {
            for task in self.kill_order() {
                self.kill(task, "killed: main tasks are done");
            }
        }
    }

    /// Live non-poststop tasks in kill order: leader, other non-sidecars, sidecars.
    fn kill_order(&self) -> Vec<usize> {
        let rank = |t: usize| {
            if self.behaviours[t].leader {
                0
            } else if self.stages[t].is_sidecar() {
                2
            } else {
                1
            }
        };
        let mut order: Vec<usize> = (0..self.tasks.len())
            .filter(|&t| self.alive(t) && self.stages[t] != Stage::Poststop)
            .collect();
        order.sort_by_key(|&t| (rank(t), t));
        order
    }

    fn kill(&mut self, task: usize, why: &str) {
        self.epochs[task] += 1;
        self.runners[task] = Runner::Dead;
        self.set(task, TaskState::dead(), why.to_owned());
    }

    /// Records a task's new state and reports every state to the coordinator.
    fn set(&mut self, task: usize, state: TaskState, why: String) {
        self.states[task] = state;
        self.events.push(SimEvent {
            at_ms: self.now_ms,
            kind: SimEventKind::Task {
                task: self.tasks[task].name.clone(),
                state,
                why,
            },
        });
        self.report();
    }

    /// The alloc runner's report: every task's state. Then task runners
    /// whose wait was admitted start.
    fn report(&mut self) {
        let update = self
            .coordinator
            .task_state_updated_by_index(self.states.iter().copied().enumerate());
        if let Ok(Some(t)) = update {
            self.events.push(SimEvent {
                at_ms: self.now_ms,
                kind: SimEventKind::Phase {
                    from: t.from,
                    to: t.to,
                },
            });
            for (stages, open) in [(t.closed, false), (t.opened, true)] {
                for stage in stages.iter() {
                    self.events.push(SimEvent {
                        at_ms: self.now_ms,
                        kind: SimEventKind::Gate { stage, open },
                    });
                }
            }
        }
        for task in 0..self.runners.len() {
            let Runner::Waiting(wait) = &mut self.runners[task] else {
                continue;
            };
            match wait.now() {
                Some(Ok(())) => {
                    self.runners[task] = Runner::Starting;
                    let start_ms = self.jittered(self.behaviours[task].start_ms);
                    self.schedule(task, start_ms, Action::Start);
                }
                Some(Err(_)) => self.runners[task] = Runner::Dead,
                None => {}
            }
        }
    }
}

/// Runs a whole simulation and returns what happened.
pub fn simulate(
    tasks: Vec<TaskSpec>,
    behaviours: Vec<Behaviour>,
    settings: Settings,
) -> Result<Vec<SimEvent>, Error> {
    let mut sim = Simulation::new(tasks, behaviours, settings)?;
    sim.run();
    Ok(sim.events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    /// Whether `state` says the task has run: for tests and timelines.
    fn has_run(events: &[SimEvent], task: &str) -> bool {
        events.iter().any(|e| {
        matches!(&e.kind, SimEventKind::Task { task: t, state, .. } if t == task && state.state == Status::Running)
    })
    }

    fn run(tasks: &[(TaskSpec, Behaviour)]) -> (Vec<SimEvent>, Simulation) {
        let settings = Settings {
            jitter: 0.0,
            horizon_ms: 60_000,
            ..Settings::default()
        };
        let mut sim = Simulation::new(
            tasks.iter().map(|(t, _)| t.clone()).collect(),
            tasks.iter().map(|(_, b)| *b).collect(),
            settings,
        )
        .unwrap();
        sim.run();
        (sim.events.clone(), sim)
    }

    fn first(events: &[SimEvent], task: &str, why: &str) -> Option<u64> {
        events.iter().find_map(|e| match &e.kind {
            SimEventKind::Task {
                task: t, why: w, ..
            } if t == task && w.starts_with(why) => Some(e.at_ms),
            _ => None,
        })
    }

    fn b(start_ms: u64, run_ms: Option<u64>, fails: bool) -> Behaviour {
        Behaviour {
            start_ms,
            run_ms,
            fails,
            leader: false,
        }
    }

    #[test]
    fn a_failed_prestart_task_blocks_main_forever() {
        let (events, sim) = run(&[
            (TaskSpec::prestart("migrate"), b(100, Some(500), true)),
            (TaskSpec::main("web"), b(100, Some(1_000), false)),
        ]);
        assert!(!has_run(&events, "web"), "{events:#?}");
        assert_eq!(first(&events, "web", "killed"), Some(600));
        assert_eq!(sim.coordinator().phase(), Phase::Poststop);
        assert_eq!(sim.states()[1], TaskState::dead());
    }

    #[test]
    fn a_failing_main_task_kills_the_sidecars() {
        let (events, _) = run(&[
            (TaskSpec::prestart_sidecar("proxy"), b(100, None, false)),
            (TaskSpec::main("web"), b(100, Some(1_000), true)),
            (TaskSpec::poststart_sidecar("logs"), b(100, None, false)),
        ]);
        let failed = first(&events, "web", "exited non-zero").unwrap();
        assert_eq!(
            first(&events, "proxy", "killed: sibling `web` failed"),
            Some(failed)
        );
        assert_eq!(
            first(&events, "logs", "killed: sibling `web` failed"),
            Some(failed)
        );
    }

    #[test]
    fn the_leader_dying_kills_everyone_else_in_order() {
        let leader = Behaviour {
            leader: true,
            ..b(100, Some(1_000), false)
        };
        let (events, _) = run(&[
            (TaskSpec::prestart_sidecar("proxy"), b(100, None, false)),
            (TaskSpec::main("worker"), b(100, None, false)),
            (TaskSpec::main("web"), leader),
        ]);
        let order: Vec<&str> = events
            .iter()
            .filter_map(|e| match &e.kind {
                SimEventKind::Task { task, why, .. } if why.starts_with("killed") => {
                    Some(task.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            order,
            ["worker", "proxy"],
            "non-sidecars first, then sidecars"
        );
        assert!(first(&events, "worker", "killed: leader `web` died").is_some());
    }

    #[test]
    fn poststop_runs_last() {
        let (events, sim) = run(&[
            (TaskSpec::prestart("init"), b(100, Some(300), false)),
            (TaskSpec::prestart_sidecar("proxy"), b(100, None, false)),
            (TaskSpec::main("web"), b(100, Some(2_000), false)),
            (TaskSpec::poststop("cleanup"), b(100, Some(500), false)),
        ]);
        let cleanup_started = first(&events, "cleanup", "started").unwrap();
        let last_other_death = events
            .iter()
            .filter_map(|e| match &e.kind {
                SimEventKind::Task { task, state, .. }
                    if task != "cleanup" && state.state == Status::Dead =>
                {
                    Some(e.at_ms)
                }
                _ => None,
            })
            .max()
            .unwrap();
        assert!(cleanup_started > last_other_death);
        assert!(first(&events, "proxy", "killed: main tasks are done").is_some());
        assert!(sim.states().iter().all(|s| s.state == Status::Dead));
        assert!(sim.is_finished());
    }

    #[test]
    fn a_restarted_prestart_sidecar_keeps_main_running() {
        let (events, sim) = run(&[
            (
                TaskSpec::prestart_sidecar("proxy"),
                b(100, Some(1_000), false),
            ),
            (TaskSpec::main("web"), b(100, Some(10_000), false)),
        ]);
        let restarts = events
            .iter()
            .filter(|e| matches!(&e.kind, SimEventKind::Task { task, why, .. } if task == "proxy" && why.contains("restarting")))
            .count();
        assert!(restarts >= 5, "{restarts} restarts");
        let web_started = first(&events, "web", "started").unwrap();
        let web_exited = first(&events, "web", "exited 0").unwrap();
        assert_eq!(
            web_exited - web_started,
            10_000,
            "web ran its course, never killed"
        );
        assert!(!events.iter().any(|e| matches!(&e.kind, SimEventKind::Phase { to: Phase::Prestart, from } if *from != Phase::Init)));
        assert_eq!(sim.coordinator().phase(), Phase::Poststop);
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
        let settings = |seed| Settings {
            seed,
            ..Settings::default()
        };
        let a = simulate(tasks.clone(), behaviours.clone(), settings(7)).unwrap();
        let b = simulate(tasks.clone(), behaviours.clone(), settings(7)).unwrap();
        let c = simulate(tasks, behaviours, settings(8)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c, "jitter depends on the seed");
    }

    #[test]
    fn step_and_run_until_advance_the_clock() {
        let tasks = vec![TaskSpec::prestart("init"), TaskSpec::main("web")];
        let behaviours = vec![b(100, Some(200), false), b(100, Some(300), false)];
        let settings = Settings {
            jitter: 0.0,
            ..Settings::default()
        };
        let mut sim = Simulation::new(tasks, behaviours, settings).unwrap();
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
}
