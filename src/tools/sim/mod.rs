//! A simulated Nomad allocation: task runners that wait on their real start
//! conditions, start, run, exit and restart on a seeded, simulated clock,
//! reporting every state change to a real [`Coordinator`] as Nomad's alloc
//! runner does.
//!
//! Nomad's rules it follows, from `client/allocrunner` (read at the commit the
//! restart-tracker traces were recorded from):
//! - **Task runner** (`task_runner.go`, `Run`): a task waits on its start
//!   condition, is set up once ("Task Setup"), starts ("Started", running) or
//!   fails to start ("Driver Failure"), and when it exits ("Terminated") its
//!   [restart tracker](restarts) decides: *Restarting* (the task is pending,
//!   waits the delay, then waits on its start condition again), *Not
//!   Restarting* (dead and failed), *Terminated* (dead, successful) or
//!   *Killed* (dead; never restarted, never failed).
//! - **Alloc runner** (`alloc_runner.go`, `handleTaskStateUpdates`): when a
//!   non-poststop task is dead and failed, every live task gets "Sibling Task
//!   Failed" and is killed; when the leader is dead, "Leader Task Dead"
//!   (it wins over a failed sibling); when only sidecars are left alive, "Main
//!   Tasks Dead". Poststop tasks are never killed and never count as live.
//! - **Kills** (`killTasks`): the leader first, awaited; then every other
//!   non-sidecar task together, awaited; then the sidecars. A task not yet
//!   dead gets "Killing" (with its kill timeout); a running one takes its
//!   time to die (at most its kill timeout), then records "Terminated" and
//!   "Killed". The coordinator hears the states once the kill is over.
//! - Each task keeps its last [`EVENTS_KEPT`] events, as Nomad does.
//!
//! Every run is bounded: the horizon is capped at [`MAX_HORIZON_MS`] and a
//! run stops after [`MAX_EVENTS`] events, however its tasks are scripted.

pub mod alloc;
pub mod events;
pub mod restarts;
pub mod script;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::{Deserialize, Serialize};

use alloc::Group;
pub use events::{SimEvent, SimEventKind, TaskEvent, EVENTS_KEPT};
use restarts::{
    ExitResult, JobType, Nanos, RestartEvent, RestartPolicy, RestartState, RestartTracker,
};
pub use script::{Behaviour, Exit, Run};

use crate::error::Error;
use crate::gate::Wait;
use crate::model::{Status, TaskSpec, TaskState};
use crate::{Coordinator, Transition};

pub use crate::limits::{MAX_EVENTS, MAX_HORIZON_MS};

const MS: Nanos = 1_000_000;

/// The simulation's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// Seeds the jitter: the same seed and settings give the same run.
    pub seed: u64,
    /// Each start and run time is scaled by a random factor in `1 ± jitter` (0 to 0.9).
    pub jitter: f64,
    /// The job's type: decides whether a task that exits 0 is restarted,
    /// and the default restart policy.
    pub job_type: JobType,
    /// The group's `restart` block; `None` uses the job type's default.
    pub restart: Option<RestartPolicy>,
    /// The simulation stops here, finished or not (at most [`MAX_HORIZON_MS`]).
    pub horizon_ms: u64,
    /// The group's `max_run_duration` (batch and sysbatch jobs only): once
    /// this long has passed since the allocation was created, every task is
    /// killed, poststop tasks first so they never start.
    pub max_run_duration_ms: Option<u64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            jitter: 0.2,
            job_type: JobType::Service,
            restart: None,
            horizon_ms: 600_000,
            max_run_duration_ms: None,
        }
    }
}

/// Something done to the allocation from outside, at a chosen time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Outside {
    /// `nomad alloc stop`: every task but poststop is killed (leader first,
    /// as `killTasks` does); poststop tasks then run.
    StopAlloc,
    /// `nomad alloc restart`: running tasks are killed and restarted at once,
    /// outside their restart policy; pending and dead tasks are left alone.
    RestartRunning,
    /// `nomad alloc restart -all-tasks`: the coordinator goes back to init
    /// and every task runs again in lifecycle order, dead one-shot tasks too
    /// (not a poststop task, which never runs twice).
    RestartAll,
    /// `nomad alloc restart <task>`: that task, if it is running.
    RestartTask { task: usize },
    /// The task is killed (it never restarts, and is not failed).
    KillTask { task: usize },
    /// The Nomad client restarts: task runners come back (running tasks keep
    /// running; pending ones wait on their start condition again, losing any
    /// restart delay), with new restart trackers, and the coordinator is
    /// rebuilt with `restore`.
    ClientRestart,
}

/// The reasons Nomad's client gives user-requested restarts (`client.go`).
const RESTART_RUNNING: &str = "User requested running tasks to restart";
const RESTART_ALL: &str = "User requested all tasks to restart";
const RESTART_TASK: &str = "User requested task to restart";

/// Where a task runner is.
enum Runner {
    /// Waiting on its start condition (the real future).
    Waiting(Wait),
    /// Admitted; its start is scheduled.
    Starting,
    Running,
    /// Pending between two runs: the restart delay is scheduled.
    Delaying,
    /// Interrupted by a kill: its death is scheduled.
    Dying,
    Dead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Start,
    Exit,
    /// The restart delay is over.
    Restart,
    /// A killed task exits.
    Die,
    /// An outside action, by its position in the schedule (`task` unused).
    Outside(usize),
    /// The group's `max_run_duration` runs out (`task` unused).
    Deadline,
}

/// A scheduled action; `epoch` drops actions of a task whose runner moved on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    at_ms: u64,
    seq: u64,
    task: usize,
    epoch: u32,
    action: Action,
}

/// One task runner's bookkeeping.
struct Task {
    runner: Runner,
    tracker: RestartTracker,
    /// Runs started so far (picks the script's entry).
    starts: usize,
    epoch: u32,
    set_up: bool,
    /// "Restarting" events so far (Nomad's `TaskState.Restarts`).
    restarts: u32,
    /// Its run loop has returned: a dead task that can never run again (a
    /// poststop task once dead; every task once the whole alloc is dead).
    run_complete: bool,
    /// Its last [`EVENTS_KEPT`] events.
    events: VecDeque<(u64, TaskEvent)>,
}

/// The kill in progress: `killTasks`'s three rounds.
struct Kill {
    round: u8,
    /// Tasks of this round still dying.
    dying: Vec<usize>,
}

/// A running simulation, advanced event by event.
pub struct Simulation {
    coordinator: Coordinator,
    specs: Vec<TaskSpec>,
    behaviours: Vec<Behaviour>,
    /// Per task: its behaviour's `leader` flag, as [`alloc::Group`] reads it.
    leaders: Vec<bool>,
    settings: Settings,
    rng: fastrand::Rng,
    now_ms: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
    tasks: Vec<Task>,
    states: Vec<TaskState>,
    events: Vec<SimEvent>,
    kill: Option<Kill>,
    /// The group's `max_run_duration` ran out: poststop tasks are killed too.
    max_run_exceeded: bool,
    /// The event budget ran out.
    exhausted: bool,
    /// Outside actions to take, by time.
    schedule: Vec<(u64, Outside)>,
}

impl Simulation {
    /// A simulation at time 0: every task received, pending and reported,
    /// runners waiting. `behaviours` must have one entry per task.
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
        if settings.horizon_ms > MAX_HORIZON_MS {
            return Err(Error::out_of_range(
                "horizonMs",
                format!("horizonMs must be at most {MAX_HORIZON_MS} (one week)"),
            ));
        }
        if let Some(ms) = settings.max_run_duration_ms {
            // Nomad's job validation.
            if !matches!(settings.job_type, JobType::Batch | JobType::SysBatch) {
                return Err(Error::invalid(
                    "maxRunDurationMs",
                    format!(
                        "job type \"{}\" does not allow max_run_duration",
                        settings.job_type.as_str()
                    ),
                ));
            }
            if ms == 0 {
                return Err(Error::out_of_range(
                    "maxRunDurationMs",
                    "max_run_duration must be greater than zero",
                ));
            }
        }
        let coordinator = Coordinator::new(tasks.clone())?;
        let mut runners = Vec::with_capacity(tasks.len());
        for (spec, behaviour) in tasks.iter().zip(&behaviours) {
            let policy = behaviour
                .restart
                .or(settings.restart)
                .unwrap_or(settings.job_type.default_restart_policy());
            runners.push(Task {
                runner: Runner::Waiting(coordinator.start_condition_for_task(&spec.name)?),
                tracker: RestartTracker::new(policy, settings.job_type, spec.lifecycle.as_ref(), 0),
                starts: 0,
                epoch: 0,
                set_up: false,
                restarts: 0,
                run_complete: false,
                events: VecDeque::new(),
            });
        }
        let mut sim = Simulation {
            states: vec![TaskState::pending(); tasks.len()],
            rng: fastrand::Rng::with_seed(settings.seed),
            coordinator,
            specs: tasks,
            leaders: behaviours.iter().map(|b| b.leader).collect(),
            behaviours,
            settings,
            now_ms: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            tasks: runners,
            events: Vec::new(),
            kill: None,
            max_run_exceeded: false,
            exhausted: false,
            schedule: Vec::new(),
        };
        for task in 0..sim.tasks.len() {
            sim.emit(task, TaskEvent::Received);
        }
        if let Some(ms) = settings.max_run_duration_ms {
            sim.seq += 1;
            sim.queue.push(Reverse(Scheduled {
                at_ms: ms,
                seq: sim.seq,
                task: 0,
                epoch: 0,
                action: Action::Deadline,
            }));
        }
        sim.alloc_runner();
        Ok(sim)
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn coordinator(&self) -> &Coordinator {
        &self.coordinator
    }

    pub fn tasks(&self) -> &[TaskSpec] {
        &self.specs
    }

    /// Each task's current state, in task order.
    pub fn states(&self) -> &[TaskState] {
        &self.states
    }

    /// Whether task `task`'s runner is waiting on its start condition.
    pub fn is_waiting(&self, task: usize) -> bool {
        matches!(
            self.tasks.get(task).map(|t| &t.runner),
            Some(Runner::Waiting(_))
        )
    }

    /// Task `task`'s last [`EVENTS_KEPT`] Nomad events, oldest first, with their times.
    pub fn task_events(&self, task: usize) -> impl Iterator<Item = &(u64, TaskEvent)> {
        self.tasks
            .get(task)
            .into_iter()
            .flat_map(|t| t.events.iter())
    }

    /// How often task `task` was restarted (Nomad's `TaskState.Restarts`).
    pub fn restarts(&self, task: usize) -> u32 {
        self.tasks.get(task).map_or(0, |t| t.restarts)
    }

    /// Everything that happened so far, in order.
    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    /// When the next thing happens, if anything will before the horizon and
    /// within the event budget.
    pub fn next_event_ms(&self) -> Option<u64> {
        if self.exhausted {
            return None;
        }
        self.queue
            .peek()
            .map(|Reverse(s)| s.at_ms)
            .filter(|&t| t <= self.settings.horizon_ms)
    }

    /// Whether nothing more will happen (everything done, blocked forever,
    /// or the horizon or the event budget reached).
    pub fn is_finished(&self) -> bool {
        self.next_event_ms().is_none()
    }

    /// Whether the run was cut short: something was still due after the
    /// horizon, or the event budget ran out.
    pub fn was_cut_off(&self) -> bool {
        self.exhausted || (self.is_finished() && !self.queue.is_empty())
    }

    /// Advances to the next event time and handles everything due then.
    /// Returns how many events it added.
    pub fn step(&mut self) -> usize {
        let before = self.events.len();
        if let Some(t) = self.next_event_ms() {
            self.now_ms = t;
            while let Some(Reverse(next)) = self.queue.peek().copied() {
                if next.at_ms != t || self.exhausted {
                    break;
                }
                self.queue.pop();
                if let Action::Outside(k) = next.action {
                    let (_, outside) = self.schedule[k];
                    self.outside(outside);
                } else if next.action == Action::Deadline {
                    self.max_run_duration_exceeded();
                } else if next.epoch == self.tasks[next.task].epoch {
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

    /// Runs until nothing more happens, the horizon, or the event budget.
    pub fn run(&mut self) {
        while !self.is_finished() {
            self.step();
        }
    }

    /// Schedules `action` at `at_ms` (now if that has passed).
    pub fn schedule_outside(&mut self, at_ms: u64, action: Outside) -> Result<(), Error> {
        self.check_outside(action)?;
        self.schedule.push((at_ms, action));
        let k = self.schedule.len() - 1;
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            at_ms: at_ms.max(self.now_ms),
            seq: self.seq,
            task: 0,
            epoch: 0,
            action: Action::Outside(k),
        }));
        Ok(())
    }

    /// Takes `action` now. Returns whether it did anything (restarting a task
    /// that is not running, say, does nothing, as in Nomad).
    pub fn act_now(&mut self, action: Outside) -> Result<bool, Error> {
        self.check_outside(action)?;
        let before = self.events.len();
        self.outside(action);
        Ok(self.events.len() != before)
    }

    fn check_outside(&self, action: Outside) -> Result<(), Error> {
        match action {
            Outside::RestartTask { task } | Outside::KillTask { task }
                if task >= self.specs.len() =>
            {
                Err(Error::TaskIndexOutOfRange {
                    index: task,
                    tasks: self.specs.len(),
                })
            }
            _ => Ok(()),
        }
    }

    fn outside(&mut self, action: Outside) {
        // While the alloc runner is busy killing, it takes no other order.
        if self.kill.is_some() {
            return;
        }
        match action {
            Outside::StopAlloc => {
                if (0..self.specs.len())
                    .any(|t| !self.is_poststop(t) && !matches!(self.tasks[t].runner, Runner::Dead))
                {
                    self.kill = Some(Kill {
                        round: 0,
                        dying: Vec::new(),
                    });
                    self.next_kill_round();
                }
            }
            Outside::RestartRunning => {
                for task in 0..self.specs.len() {
                    self.restart_running(task, RESTART_RUNNING);
                }
            }
            Outside::RestartTask { task } => self.restart_running(task, RESTART_TASK),
            Outside::RestartAll => self.restart_all(),
            Outside::KillTask { task } => {
                if self.interrupt(task) {
                    // It dies later; the alloc runner looks then.
                } else {
                    self.alloc_runner();
                }
            }
            Outside::ClientRestart => self.client_restart(),
        }
    }

    /// `EnforceMaxRunDurationTimeout`: every task is killed, poststop first.
    fn max_run_duration_exceeded(&mut self) {
        let alive = (0..self.specs.len()).any(|t| !matches!(self.tasks[t].runner, Runner::Dead));
        if alive && self.kill.is_none() {
            self.max_run_exceeded = true;
            self.kill = Some(Kill {
                round: 0,
                dying: Vec::new(),
            });
            self.next_kill_round();
        }
    }

    /// `TaskRunner.Restart`: a running task is killed and restarted at once,
    /// uncounted by its policy; any other task is left alone.
    fn restart_running(&mut self, task: usize, reason: &str) {
        if self.states[task].state != Status::Running
            || !matches!(self.tasks[task].runner, Runner::Running)
        {
            return;
        }
        self.emit(
            task,
            TaskEvent::RestartSignaled {
                reason: reason.to_owned(),
            },
        );
        self.tasks[task]
            .tracker
            .record(RestartEvent::RestartTriggered { failure: false });
        self.tasks[task].epoch += 1;
        self.tasks[task].runner = Runner::Dying;
        let after = self.behaviours[task].time_to_die_ms();
        self.schedule(task, after, Action::Die);
    }

    /// `RestartAll`: the coordinator restarts, then every task runner is
    /// force-restarted: running ones as by `Restart`, dead ones whose run loop
    /// still waits (not poststop, alloc not over) run again; pending ones wait.
    fn restart_all(&mut self) {
        if (0..self.specs.len()).all(|t| {
            self.tasks[t].run_complete
                || self.is_poststop(t) && matches!(self.tasks[t].runner, Runner::Dead)
        }) {
            return; // the alloc is over: nothing to restart
        }
        if let Some(t) = self.coordinator.restart() {
            self.push_phase(t);
        }
        for task in 0..self.specs.len() {
            if matches!(self.tasks[task].runner, Runner::Running) {
                self.restart_running(task, RESTART_ALL);
            } else if matches!(self.tasks[task].runner, Runner::Dead)
                && !self.tasks[task].run_complete
            {
                self.emit(
                    task,
                    TaskEvent::RestartSignaled {
                        reason: RESTART_ALL.to_owned(),
                    },
                );
                self.tasks[task]
                    .tracker
                    .record(RestartEvent::RestartTriggered { failure: false });
                // `shouldRestart` from the alloc-restart wait: always restarts.
                self.decide(task);
            }
        }
        self.alloc_runner();
    }

    /// The client comes back: new trackers, a coordinator rebuilt by `restore`.
    fn client_restart(&mut self) {
        let Ok(coordinator) = Coordinator::new(self.specs.clone()) else {
            return;
        };
        self.coordinator.shutdown();
        self.coordinator = coordinator;
        let now_ns = self.now_ms.saturating_mul(MS);
        for task in 0..self.specs.len() {
            let policy = *self.tasks[task].tracker.policy();
            let lifecycle = self.specs[task].lifecycle;
            let t = &mut self.tasks[task];
            t.tracker =
                RestartTracker::new(policy, self.settings.job_type, lifecycle.as_ref(), now_ns);
            if matches!(
                t.runner,
                Runner::Waiting(_) | Runner::Starting | Runner::Delaying
            ) {
                t.epoch += 1;
                match self
                    .coordinator
                    .start_condition_for_task(&self.specs[task].name)
                {
                    Ok(wait) => t.runner = Runner::Waiting(wait),
                    Err(_) => t.runner = Runner::Dead,
                }
            }
        }
        let restored = self
            .coordinator
            .restore_by_index(self.states.iter().copied().enumerate());
        self.heard(restored);
    }

    fn jittered(&mut self, ms: u64) -> u64 {
        let factor = 1.0 + self.settings.jitter * (2.0 * self.rng.f64() - 1.0);
        (ms as f64 * factor).round() as u64
    }

    fn schedule(&mut self, task: usize, after_ms: u64, action: Action) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            at_ms: self.now_ms.saturating_add(after_ms),
            seq: self.seq,
            task,
            epoch: self.tasks[task].epoch,
            action,
        }));
    }

    fn act(&mut self, task: usize, action: Action) {
        match action {
            Action::Start => self.start(task),
            Action::Exit => {
                let run = self.behaviours[task].run(self.tasks[task].starts.saturating_sub(1));
                let (exit_code, oom_killed) = match run.exit {
                    Exit::Code { code } => (code, false),
                    Exit::OomKilled { code } => (code, true),
                    Exit::StartError { .. } => (0, false),
                };
                let exit = ExitResult {
                    exit_code,
                    signal: 0,
                    oom_killed,
                    err: false,
                };
                self.exited(task, exit);
            }
            Action::Restart => {
                // The delay is over: wait on the start condition again.
                self.tasks[task].epoch += 1;
                match self
                    .coordinator
                    .start_condition_for_task(&self.specs[task].name)
                {
                    Ok(wait) => self.tasks[task].runner = Runner::Waiting(wait),
                    Err(_) => self.tasks[task].runner = Runner::Dead,
                }
                self.admit_waiting();
            }
            // A killed task exits as Nomad's mock driver reports it: code 0.
            Action::Die => {
                self.exited(task, ExitResult::default());
                self.died(task);
            }
            Action::Outside(_) | Action::Deadline => {}
        }
    }

    fn start(&mut self, task: usize) {
        let run = self.behaviours[task].run(self.tasks[task].starts);
        self.tasks[task].starts += 1;
        if let Exit::StartError { recoverable } = run.exit {
            self.emit(task, TaskEvent::DriverFailure { recoverable });
            self.tasks[task]
                .tracker
                .record(RestartEvent::StartError { recoverable });
            return self.decide(task);
        }
        self.tasks[task].runner = Runner::Running;
        self.set(task, Some(TaskEvent::Started), TaskState::running());
        if let Some(run_ms) = run.run_ms {
            let run_ms = self.jittered(run_ms);
            self.schedule(task, run_ms, Action::Exit);
        }
    }

    /// The task's process ended: "Terminated", then the restart tracker decides.
    fn exited(&mut self, task: usize, exit: ExitResult) {
        let terminated = TaskEvent::Terminated {
            exit_code: exit.exit_code,
            signal: exit.signal,
            oom_killed: exit.oom_killed,
        };
        self.emit(task, terminated);
        self.tasks[task].tracker.record(RestartEvent::Exited(exit));
        self.decide(task);
    }

    /// `shouldRestart`: what the task runner does after an exit or a failed start.
    fn decide(&mut self, task: usize) {
        let now_ns = self.now_ms.saturating_mul(MS);
        let rng = &mut self.rng;
        let decision = self.tasks[task]
            .tracker
            .next_state(now_ns, |n| rng.u64(0..n));
        let reason = self.tasks[task].tracker.reason().to_owned();
        self.tasks[task].epoch += 1;
        self.tasks[task].runner = match decision.state {
            Some(RestartState::Restarting) => Runner::Delaying,
            _ => Runner::Dead,
        };
        match decision.state {
            Some(RestartState::Restarting) => {
                self.tasks[task].restarts += 1;
                let event = TaskEvent::Restarting {
                    delay_ns: decision.delay,
                    reason,
                };
                self.set(task, Some(event), TaskState::pending());
                // The clock counts whole milliseconds: round the delay up.
                let delay_ms = decision.delay.div_ceil(MS);
                self.schedule(task, delay_ms, Action::Restart);
            }
            Some(RestartState::NotRestarting) => {
                self.set(
                    task,
                    Some(TaskEvent::NotRestarting { reason }),
                    TaskState::failed(),
                );
            }
            Some(RestartState::Killed) => {
                self.set(task, Some(TaskEvent::Killed), TaskState::dead());
            }
            // Terminated, or no decision: the run loop ends, the task is dead.
            Some(RestartState::Terminated) | None => self.set(task, None, TaskState::dead()),
        }
        // A poststop task never waits for an alloc restart: its run is over.
        if self.is_poststop(task) && matches!(self.tasks[task].runner, Runner::Dead) {
            self.tasks[task].run_complete = true;
        }
    }

    /// Records a Nomad task event without a state change.
    fn emit(&mut self, task: usize, event: TaskEvent) {
        let state = self.states[task];
        self.record(task, Some(event), state);
    }

    /// Records a task's new state (and the event that came with it), then
    /// lets the alloc runner react.
    fn set(&mut self, task: usize, event: Option<TaskEvent>, state: TaskState) {
        self.states[task] = state;
        self.record(task, event, state);
        self.alloc_runner();
    }

    fn record(&mut self, task: usize, event: Option<TaskEvent>, state: TaskState) {
        if self.events.len() >= MAX_EVENTS {
            self.exhausted = true;
            return;
        }
        if let Some(event) = &event {
            let kept = &mut self.tasks[task].events;
            if kept.len() == EVENTS_KEPT {
                kept.pop_front();
            }
            kept.push_back((self.now_ms, event.clone()));
        }
        self.events.push(SimEvent {
            at_ms: self.now_ms,
            kind: SimEventKind::Task { task, event, state },
        });
    }

    /// The group as the alloc runner's rules read it.
    fn group(&self) -> Group<'_> {
        Group {
            specs: &self.specs,
            leaders: &self.leaders,
        }
    }

    fn is_poststop(&self, task: usize) -> bool {
        self.group().is_poststop(task)
    }

    /// `handleTaskStateUpdates` ([`alloc::Group::verdict`]): after any state
    /// change, unless a kill is in progress (the alloc runner is busy in
    /// `killTasks` then).
    fn alloc_runner(&mut self) {
        if self.kill.is_some() {
            return;
        }
        let verdict = self.group().verdict(&self.states);
        if verdict.run_complete() {
            // No live runner left: the alloc runner ends every task's run
            // loop, so nothing can be restarted any more.
            for task in 0..self.specs.len() {
                if !self.is_poststop(task) {
                    self.tasks[task].run_complete = true;
                }
            }
        } else if let Some(event) = verdict.kill {
            for &task in &verdict.live {
                self.emit(task, event.clone());
            }
            self.kill = Some(Kill {
                round: 0,
                dying: Vec::new(),
            });
            return self.next_kill_round();
        }
        self.report();
    }

    /// Starts the next round of `killTasks` ([`alloc::Group::kill_round`])
    /// whose tasks need time to die; once the last round is over, reports
    /// to the coordinator.
    fn next_kill_round(&mut self) {
        while let Some(Kill { round, .. }) = self.kill {
            if round == 4 {
                self.kill = None;
                // The alloc runner looks again, then the coordinator hears the states.
                return self.alloc_runner();
            }
            let members = self.group().kill_round(round, self.max_run_exceeded);
            let dying: Vec<usize> = members.into_iter().filter(|&t| self.interrupt(t)).collect();
            let Some(kill) = self.kill.as_mut() else {
                return; // (the loop runs only while a kill is in progress)
            };
            kill.round += 1;
            if !dying.is_empty() {
                kill.dying = dying;
                return;
            }
        }
    }

    /// `TaskRunner.Kill`: returns whether the task needs time to die.
    fn interrupt(&mut self, task: usize) -> bool {
        if matches!(self.tasks[task].runner, Runner::Dead) {
            return false;
        }
        let timeout = self.behaviours[task].kill_timeout();
        self.emit(
            task,
            TaskEvent::Killing {
                kill_timeout_ms: timeout,
                max_run_duration: self.max_run_exceeded,
            },
        );
        self.tasks[task].epoch += 1;
        if matches!(self.tasks[task].runner, Runner::Running | Runner::Dying) {
            self.tasks[task].runner = Runner::Dying;
            self.tasks[task].tracker.record(RestartEvent::Killed);
            let after = self.behaviours[task].time_to_die_ms();
            self.schedule(task, after, Action::Die);
            return true;
        }
        // Not running (waiting, starting, between restarts): the run loop ends.
        self.tasks[task].runner = Runner::Dead;
        self.states[task] = TaskState::dead();
        self.record(task, None, TaskState::dead());
        false
    }

    /// The coordinator hears every state; runners it admits start, and a
    /// killed task that died may end a kill round.
    fn report(&mut self) {
        let update = self
            .coordinator
            .task_state_updated_by_index(self.states.iter().copied().enumerate());
        self.heard(update);
    }

    /// After the coordinator heard the states: its phase change, if any, is
    /// recorded, and runners it admitted start.
    fn heard(&mut self, result: Result<Option<Transition>, Error>) {
        if let Ok(Some(t)) = result {
            self.push_phase(t);
        }
        self.admit_waiting();
    }

    fn push_phase(&mut self, transition: Transition) {
        if self.events.len() < MAX_EVENTS {
            self.events.push(SimEvent {
                at_ms: self.now_ms,
                kind: SimEventKind::Phase(transition),
            });
        } else {
            self.exhausted = true;
        }
    }

    /// Runners whose wait was admitted are set up and start after their start time.
    fn admit_waiting(&mut self) {
        for task in 0..self.tasks.len() {
            let Runner::Waiting(wait) = &mut self.tasks[task].runner else {
                continue;
            };
            match wait.now() {
                Some(Ok(())) => {
                    self.tasks[task].runner = Runner::Starting;
                    if !std::mem::replace(&mut self.tasks[task].set_up, true) {
                        self.emit(task, TaskEvent::TaskSetup);
                    }
                    let run = self.behaviours[task].run(self.tasks[task].starts);
                    let start_ms = self.jittered(run.start_ms);
                    self.schedule(task, start_ms, Action::Start);
                }
                Some(Err(_)) => self.tasks[task].runner = Runner::Dead,
                None => {}
            }
        }
    }
}

impl Simulation {
    /// A killed task's death, as a kill round waits for it.
    fn died(&mut self, task: usize) {
        if let Some(kill) = &mut self.kill {
            kill.dying.retain(|&t| t != task);
            if kill.dying.is_empty() {
                self.next_kill_round();
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
    simulate_with(tasks, behaviours, settings, &[])
}

/// [`simulate`] with outside actions at chosen times.
pub fn simulate_with(
    tasks: Vec<TaskSpec>,
    behaviours: Vec<Behaviour>,
    settings: Settings,
    schedule: &[(u64, Outside)],
) -> Result<Vec<SimEvent>, Error> {
    let mut sim = Simulation::new(tasks, behaviours, settings)?;
    for &(at_ms, action) in schedule {
        sim.schedule_outside(at_ms, action)?;
    }
    sim.run();
    Ok(sim.events)
}

#[cfg(test)]
mod tests;
