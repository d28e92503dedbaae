//! Run mode: a simulated alloc runner plays the group on a seeded clock.
//!
//! The first build (without the `run-mode` feature, see `handover`) keeps
//! run mode's settings, which travel in the share link, but never plays them:
//! what only playing needs is unused there.
#![cfg_attr(not(feature = "run-mode"), allow(dead_code))]

use crate::tools::scenario::RunSpec;
use crate::tools::sim::restarts::{JobType, RestartPolicy};
use crate::tools::sim::{Behaviour, Outside, Settings, SimEventKind, Simulation, TaskEvent};
use crate::TaskSpec;

use super::{LogEntry, Who};

/// Real time between two ticks of a playing simulation.
pub const TICK_MS: u64 = 100;

/// Simulated milliseconds as the page shows them: `2.3 s`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
}

pub struct RunState {
    /// Per task, how it behaves.
    behaviours: Vec<Behaviour>,
    /// The job's type and the group's restart policy (`None`: the type's default).
    job_type: JobType,
    restart: Option<RestartPolicy>,
    /// The group's `max_run_duration` (imported).
    max_run_duration_ms: Option<u64>,
    /// The running simulation; `None` outside run mode.
    sim: Option<Simulation>,
    seed: u64,
    speed: f64,
    playing: bool,
    /// Bumped on every play, so stale ticks are ignored.
    play_generation: u64,
    /// The task whose events are shown.
    selected: Option<usize>,
}

impl Default for RunState {
    fn default() -> Self {
        RunState {
            behaviours: Vec::new(),
            job_type: JobType::Service,
            restart: None,
            max_run_duration_ms: None,
            sim: None,
            seed: 1,
            speed: 1.0,
            playing: false,
            play_generation: 0,
            selected: None,
        }
    }
}

impl RunState {
    pub fn sim(&self) -> Option<&Simulation> {
        self.sim.as_ref()
    }

    pub fn behaviours(&self) -> &[Behaviour] {
        &self.behaviours
    }

    /// Per task: Nomad's `leader` flag.
    pub fn leaders(&self) -> Vec<bool> {
        self.behaviours.iter().map(|b| b.leader).collect()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    pub fn job_type(&self) -> JobType {
        self.job_type
    }

    /// New tasks, run as `spec` says (a preset's or an import's job type,
    /// policies and behaviours; a link's seed too), or each as is typical
    /// for its stage in a service job. Stops any simulation.
    pub fn set_tasks(&mut self, tasks: &[TaskSpec], spec: Option<&RunSpec>) {
        let default = RunSpec::default();
        let spec = spec.unwrap_or(&default);
        self.job_type = spec.job_type;
        self.restart = spec.restart;
        self.max_run_duration_ms = spec.max_run_duration_ms;
        if let Some(seed) = spec.seed {
            self.seed = seed;
        }
        self.behaviours = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| spec.behaviour(i, t.stage()))
            .collect();
        self.stop();
    }

    /// How the run is set up, as a share link carries it.
    pub fn spec(&self) -> RunSpec {
        RunSpec {
            job_type: self.job_type,
            seed: Some(self.seed),
            restart: self.restart,
            behaviours: self.behaviours.clone(),
            max_run_duration_ms: self.max_run_duration_ms,
        }
    }

    /// The group's restart policy in force: its own, or the job type's default.
    pub fn restart_policy(&self) -> RestartPolicy {
        self.restart
            .unwrap_or(self.job_type.default_restart_policy())
    }

    /// A restart policy for the group; restarts the run.
    pub fn set_restart(&mut self, policy: RestartPolicy, tasks: &[TaskSpec]) -> Result<(), String> {
        self.restart = Some(policy);
        self.restart(tasks)
    }

    /// A new job type (run mode's setting); restarts the run.
    pub fn set_job_type(&mut self, job_type: JobType, tasks: &[TaskSpec]) -> Result<(), String> {
        self.job_type = job_type;
        self.restart(tasks)
    }

    /// Leaves run mode: no simulation.
    pub fn stop(&mut self) {
        self.playing = false;
        self.sim = None;
    }

    /// A fresh simulation of `tasks` at time 0.
    pub fn restart(&mut self, tasks: &[TaskSpec]) -> Result<(), String> {
        self.playing = false;
        let settings = Settings {
            seed: self.seed,
            job_type: self.job_type,
            restart: self.restart,
            // Nomad allows it for batch and sysbatch jobs only.
            max_run_duration_ms: self
                .max_run_duration_ms
                .filter(|_| matches!(self.job_type, JobType::Batch | JobType::SysBatch)),
            ..Settings::default()
        };
        let sim = Simulation::new(tasks.to_vec(), self.behaviours.clone(), settings)
            .map_err(|e| e.to_string())?;
        self.sim = Some(sim);
        Ok(())
    }

    /// Starts playing; returns the tick generation to schedule, if it plays.
    pub fn play(&mut self) -> Option<u64> {
        if self.sim.as_ref().is_none_or(Simulation::is_finished) {
            return None;
        }
        self.playing = true;
        self.play_generation += 1;
        Some(self.play_generation)
    }

    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// One event forward.
    pub fn step(&mut self) {
        self.playing = false;
        if let Some(sim) = &mut self.sim {
            sim.step();
        }
    }

    /// Runs to the end (or the horizon).
    pub fn run_to_end(&mut self) {
        self.playing = false;
        if let Some(sim) = &mut self.sim {
            sim.run();
        }
    }

    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed;
    }

    pub fn set_seed(&mut self, seed: u64, tasks: &[TaskSpec]) -> Result<(), String> {
        self.seed = seed;
        self.restart(tasks)
    }

    pub fn set_behaviour(
        &mut self,
        i: usize,
        behaviour: Behaviour,
        tasks: &[TaskSpec],
    ) -> Result<(), String> {
        let Some(slot) = self.behaviours.get_mut(i) else {
            return Ok(());
        };
        *slot = behaviour;
        self.restart(tasks)
    }

    /// Does `action` to the allocation at the current time.
    pub fn act(&mut self, action: Outside) -> Result<(), String> {
        if let Some(sim) = &mut self.sim {
            sim.act_now(action).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// Shows task `i`'s events, or hides them if they are shown.
    pub fn select(&mut self, i: usize) {
        self.selected = (self.selected != Some(i)).then_some(i);
    }

    /// What the run's status line says: "finished" only once every task is
    /// dead (the allocation is done); "stopped at the horizon" when the run
    /// was cut off; "nothing more happens" when tasks still run but nothing
    /// is due (run until killed: stop or restart them); nothing while it goes on.
    pub fn status(&self) -> &'static str {
        match &self.sim {
            Some(sim) if sim.was_cut_off() => "stopped at the horizon",
            Some(sim) if sim.is_finished() => {
                if sim.states().iter().all(|s| s.state == crate::Status::Dead) {
                    "finished"
                } else {
                    "nothing more happens"
                }
            }
            _ => "",
        }
    }

    /// A playing simulation's tick: advances the clock by one tick of real
    /// time at the current speed. Returns the generation of the next tick to
    /// schedule, or `None` when stale, paused or finished.
    pub fn tick(&mut self, generation: u64) -> Option<u64> {
        if !self.playing || generation != self.play_generation {
            return None;
        }
        let sim = self.sim.as_mut()?;
        let next = sim.now_ms() + (TICK_MS as f64 * self.speed) as u64;
        sim.run_until(next);
        if sim.is_finished() {
            self.playing = false;
            return None;
        }
        Some(self.play_generation)
    }

    /// The run's phase changes as log entries, each with the task events
    /// that led to it, every one at its own time.
    pub fn log(&self) -> Vec<LogEntry> {
        let Some(sim) = &self.sim else {
            return Vec::new();
        };
        let names: Vec<&str> = sim.tasks().iter().map(|t| t.name.as_str()).collect();
        let mut entries = Vec::new();
        let mut causes: Vec<String> = Vec::new();
        for (k, e) in sim.events().iter().enumerate() {
            match &e.kind {
                SimEventKind::Task { task, event, state } => {
                    let what = event.as_ref().map_or(state.label(), TaskEvent::type_name);
                    let name = names.get(*task).copied().unwrap_or("?");
                    causes.push(format!("t={} {name} {what}", seconds(e.at_ms)));
                }
                SimEventKind::Phase(transition) => {
                    let cause = if causes.is_empty() {
                        "alloc runner starts".to_owned()
                    } else {
                        causes.join(", ")
                    };
                    entries.push(LogEntry {
                        seq: k as u64,
                        scenario: 0,
                        cause,
                        who: Who::Simulator,
                        transition: Some(*transition),
                    });
                    causes.clear();
                }
            }
        }
        entries
    }
}
