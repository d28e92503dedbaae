//! Switchboard mode: the user plays the alloc runner. Holds the scenario and
//! the live coordinator, turns each action into the call Nomad's alloc runner
//! would make, and keeps one real `start_condition_for_task` wait per task runner.

use std::rc::Rc;

use super::EventLog;
use crate::limits::{MAX_NAME_BYTES, MAX_PLAYGROUND_TASKS};
use crate::tools::scenario::Scenario;
use crate::{validate_tasks, Coordinator, Hook, Lifecycle, TaskSpec, TaskState, Transition, Wait};

/// A task runner's wait, for the component to await: when it resolves, the
/// component reports [`Switchboard::admitted`] with the same generation and task.
pub struct Arm {
    pub generation: u64,
    pub task: usize,
    pub wait: Wait,
}

pub struct Switchboard {
    scenario: Scenario,
    coordinator: Rc<Coordinator>,
    /// Bumped with every new coordinator, so stale waits are ignored.
    generation: u64,
    /// Per task: whether its current wait has resolved.
    admitted: Vec<bool>,
    log: EventLog,
    /// An edit the coordinator refused: the task and why.
    edit_error: Option<(usize, String)>,
}

impl Default for Switchboard {
    fn default() -> Self {
        Switchboard {
            scenario: Scenario {
                tasks: Vec::new(),
                states: Vec::new(),
                run: None,
            },
            coordinator: Rc::new(Coordinator::default()),
            generation: 0,
            admitted: Vec::new(),
            log: EventLog::default(),
            edit_error: None,
        }
    }
}

impl Switchboard {
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn coordinator(&self) -> &Coordinator {
        &self.coordinator
    }

    /// Which coordinator this is: bumped by every [`Switchboard::load`].
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    pub fn edit_error(&self) -> Option<&(usize, String)> {
        self.edit_error.as_ref()
    }

    /// Whether task `i`'s runner is still waiting on its start condition.
    pub fn is_waiting(&self, i: usize) -> bool {
        !self.admitted.get(i).copied().unwrap_or(false)
    }

    /// A new coordinator for `scenario`, then the alloc runner's first report
    /// (an update when every task is pending, a restore otherwise). Returns
    /// the waits to arm, or the coordinator's error (nothing changed then).
    pub fn load(&mut self, mut scenario: Scenario, why: &str) -> Result<Vec<Arm>, String> {
        let coordinator = Coordinator::new(scenario.tasks.clone()).map_err(|e| e.to_string())?;
        // How run mode runs the group is run mode's business.
        scenario.run = None;
        // Waits on the old coordinator end with a shutdown error and are ignored.
        self.coordinator.shutdown();
        self.coordinator = Rc::new(coordinator);
        self.generation += 1;
        self.scenario = scenario;
        self.edit_error = None;
        self.admitted = vec![false; self.scenario.tasks.len()];
        self.log
            .push(format!("{why}: new coordinator in init"), None);
        let mut arms: Vec<Arm> = (0..self.scenario.tasks.len())
            .filter_map(|i| self.arm(i))
            .collect();
        let restore = !self.scenario.all_pending();
        arms.extend(self.report("first report from the alloc runner".into(), restore)?);
        Ok(arms)
    }

    /// The same tasks, all pending, on a new coordinator.
    pub fn reset(&mut self) -> Result<Vec<Arm>, String> {
        let mut scenario = self.scenario.clone();
        scenario.states.fill(TaskState::pending());
        self.load(scenario, "reset")
    }

    /// The alloc runner reports task `i`'s new state (with everyone else's).
    pub fn set_state(&mut self, i: usize, state: TaskState) -> Result<Vec<Arm>, String> {
        let Some(slot) = self.scenario.states.get_mut(i) else {
            return Ok(Vec::new());
        };
        *slot = state;
        let name = &self.scenario.tasks[i].name;
        self.report(format!("{name} → {state}"), false)
    }

    /// Reports every task pending (after a restart, say).
    pub fn all_pending(&mut self) -> Result<Vec<Arm>, String> {
        self.scenario.states.fill(TaskState::pending());
        self.report("every task → pending".into(), false)
    }

    /// Alloc restart: the coordinator goes back to init.
    pub fn restart(&mut self) -> Vec<Arm> {
        let transition = self.coordinator.restart();
        self.record("alloc restart".into(), transition)
    }

    /// Alloc restore: the current states through `restore`.
    pub fn restore(&mut self) -> Result<Vec<Arm>, String> {
        self.report("alloc restore".into(), true)
    }

    /// Applies states read from an allocation via `restore`. Every name must
    /// be one of the group's tasks; otherwise nothing changes.
    pub fn apply_allocation(&mut self, states: &[(String, TaskState)]) -> Result<Vec<Arm>, String> {
        let mut merged = self.scenario.states.clone();
        for (name, state) in states {
            match self.scenario.tasks.iter().position(|t| &t.name == name) {
                Some(i) => merged[i] = *state,
                None => {
                    return Err(format!(
                        "the allocation has task `{name}`, which this task group does not"
                    ))
                }
            }
        }
        self.scenario.states = merged;
        self.report("allocation applied via restore".into(), true)
    }

    pub fn rename(&mut self, i: usize, name: String) -> Vec<Arm> {
        self.edit(i, "renamed", |s| {
            if let Some(t) = s.tasks.get_mut(i) {
                t.name = name;
            }
        })
    }

    pub fn set_hook(&mut self, i: usize, hook: Hook) -> Vec<Arm> {
        self.edit(i, "hook changed", |s| {
            if let Some(t) = s.tasks.get_mut(i) {
                let sidecar = t.lifecycle.is_some_and(|l| l.sidecar);
                t.lifecycle = match hook {
                    Hook::Empty => None,
                    hook => Some(Lifecycle { hook, sidecar }),
                };
            }
        })
    }

    pub fn set_sidecar(&mut self, i: usize, sidecar: bool) -> Vec<Arm> {
        self.edit(i, "sidecar changed", |s| {
            if let Some(Some(l)) = s.tasks.get_mut(i).map(|t| t.lifecycle.as_mut()) {
                l.sidecar = sidecar;
            }
        })
    }

    pub fn delete(&mut self, i: usize) -> Vec<Arm> {
        // Nomad refuses a group with no task (the importer does too).
        if self.scenario.tasks.len() == 1 {
            self.edit_error = Some((i, "a task group needs at least one task".into()));
            return Vec::new();
        }
        self.edit(i, "task deleted", |s| {
            if i < s.tasks.len() {
                s.tasks.remove(i);
                s.states.remove(i);
            }
        })
    }

    /// Adds a main task with the first free name `task-N` (refused, with an
    /// error below the list, once the group has [`MAX_PLAYGROUND_TASKS`]).
    pub fn add(&mut self) -> Vec<Arm> {
        let i = self.scenario.tasks.len();
        if i >= MAX_PLAYGROUND_TASKS {
            self.edit_error = Some((
                i,
                format!("the playground shows at most {MAX_PLAYGROUND_TASKS} tasks (limits::MAX_PLAYGROUND_TASKS)"),
            ));
            return Vec::new();
        }
        let name = (1..)
            .map(|n| format!("task-{n}"))
            .find(|n| self.scenario.tasks.iter().all(|t| &t.name != n))
            .unwrap_or_default();
        self.edit(i, "task added", |s| {
            s.tasks.push(TaskSpec::main(name));
            s.states.push(TaskState::pending());
        })
    }

    /// A task runner's wait resolved (`ok` false: its coordinator shut down).
    /// Returns whether anything changed, and the waits to arm anew.
    pub fn admitted(&mut self, generation: u64, task: usize, ok: bool) -> Option<Vec<Arm>> {
        if generation != self.generation || !ok || task >= self.admitted.len() {
            return None;
        }
        self.admitted[task] = true;
        // Admitted, but the gate has closed again since: wait anew.
        Some(self.rearm())
    }

    /// Applies an edit of the task group if the coordinator would accept it;
    /// otherwise shows its error beside task `i` and changes nothing.
    fn edit(&mut self, i: usize, what: &str, change: impl FnOnce(&mut Scenario)) -> Vec<Arm> {
        let mut candidate = self.scenario.clone();
        change(&mut candidate);
        if let Err(err) = validate_tasks(&candidate.tasks) {
            // Shown beside the task itself: no position to count (the core's
            // "task #N" counts from 0).
            let why = match err {
                crate::Error::EmptyTaskName { .. } => "a task needs a name".to_owned(),
                crate::Error::OutOfRange {
                    input: "task name", ..
                } => format!("a task name has at most {MAX_NAME_BYTES} bytes"),
                err => err.to_string(),
            };
            self.edit_error = Some((i, why));
            return Vec::new();
        }
        candidate.states.fill(TaskState::pending());
        // Validated above, so `load` cannot fail.
        self.load(candidate, &format!("task group edited ({what})"))
            .unwrap_or_default()
    }

    /// Sends every task's state, as the alloc runner does after any change.
    fn report(&mut self, cause: String, restore: bool) -> Result<Vec<Arm>, String> {
        let states = self.scenario.named_states();
        let result = if restore {
            self.coordinator.restore(states)
        } else {
            self.coordinator.task_state_updated(states)
        };
        let transition = result.map_err(|e| e.to_string())?;
        Ok(self.record(cause, transition))
    }

    fn record(&mut self, cause: String, transition: Option<Transition>) -> Vec<Arm> {
        if transition.is_some() {
            self.log.push(cause, transition);
        }
        self.rearm()
    }

    /// Task runners that were admitted but whose gate is closed now wait again.
    fn rearm(&mut self) -> Vec<Arm> {
        let mut arms = Vec::new();
        for i in 0..self.admitted.len() {
            let closed = !self
                .coordinator
                .is_allowed(&self.scenario.tasks[i].name)
                .unwrap_or(false);
            if self.admitted[i] && closed {
                self.admitted[i] = false;
                arms.extend(self.arm(i));
            }
        }
        arms
    }

    /// A real wait on task `i`'s start condition.
    fn arm(&self, i: usize) -> Option<Arm> {
        let wait = self
            .coordinator
            .start_condition_for_task(&self.scenario.tasks[i].name)
            .ok()?;
        Some(Arm {
            generation: self.generation,
            task: i,
            wait,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::scenario::Preset;
    use crate::Phase;

    fn board(preset: &str) -> (Switchboard, Vec<Arm>) {
        let mut board = Switchboard::default();
        let arms = board
            .load(Preset::find(preset).unwrap().scenario(), "test")
            .unwrap();
        (board, arms)
    }

    #[test]
    fn loading_reports_every_task_and_arms_one_wait_per_runner() {
        let (board, arms) = board("init");
        assert_eq!(board.coordinator().phase(), Phase::Prestart);
        let tasks: Vec<usize> = arms.iter().map(|a| a.task).collect();
        assert_eq!(tasks, [0, 1]);
        assert!(arms.iter().all(|a| a.generation == board.generation()));
        assert!((0..2).all(|i| board.is_waiting(i)));
    }

    #[test]
    fn the_last_task_is_not_deleted_nor_a_65th_added() {
        let (mut board, _) = board("main-only");
        let generation = board.generation();
        assert!(board.delete(0).is_empty());
        assert_eq!(board.generation(), generation, "no new coordinator");
        assert_eq!(board.scenario().tasks.len(), 1);
        assert_eq!(
            board.edit_error(),
            Some(&(0, "a task group needs at least one task".to_owned()))
        );
        for _ in 1..crate::limits::MAX_PLAYGROUND_TASKS {
            board.add();
        }
        assert_eq!(board.scenario().tasks.len(), 64);
        assert!(board.add().is_empty());
        assert_eq!(board.scenario().tasks.len(), 64);
        assert!(board.edit_error().unwrap().1.contains("at most 64 tasks"));
    }

    #[test]
    fn a_refused_edit_changes_nothing_and_says_why_beside_the_task() {
        let (mut board, _) = board("init");
        let generation = board.generation();
        assert!(board.rename(1, "migrate".into()).is_empty());
        assert_eq!(board.generation(), generation, "no new coordinator");
        assert_eq!(board.scenario().tasks[1].name, "web");
        assert_eq!(
            board.edit_error(),
            Some(&(1, "duplicate task name `migrate`".to_owned()))
        );
        assert!(board.rename(1, String::new()).is_empty());
        assert_eq!(
            board.edit_error(),
            Some(&(1, "a task needs a name".to_owned()))
        );
        // An accepted edit clears the error and starts over, all pending.
        board.set_state(0, TaskState::running()).unwrap();
        assert!(!board.rename(1, "api".into()).is_empty());
        assert_eq!(board.edit_error(), None);
        assert!(board.scenario().all_pending());
    }

    #[test]
    fn admission_is_recorded_only_for_the_current_coordinator() {
        let (mut board, _) = board("init");
        let old = board.generation();
        assert!(board.admitted(old, 0, true).is_some());
        assert!(!board.is_waiting(0));
        board.reset().unwrap();
        assert!(board.admitted(old, 1, true).is_none(), "stale wait ignored");
        assert!(board.admitted(board.generation(), 9, true).is_none());
        assert!(board.admitted(board.generation(), 1, false).is_none());
    }

    #[test]
    fn a_runner_admitted_before_its_gate_closed_waits_again() {
        let (mut board, _) = board("init");
        board.admitted(board.generation(), 0, true).unwrap();
        // migrate exits: main phase, and migrate's gate closes behind it.
        let arms = board.set_state(0, TaskState::dead()).unwrap();
        let tasks: Vec<usize> = arms.iter().map(|a| a.task).collect();
        assert_eq!(tasks, [0], "only the admitted runner waits anew");
        assert!(board.is_waiting(0));
    }

    #[test]
    fn an_allocation_naming_a_stranger_changes_nothing() {
        let (mut board, _) = board("init");
        let before = board.scenario().clone();
        let err = board
            .apply_allocation(&[
                ("web".into(), TaskState::running()),
                ("db".into(), TaskState::dead()),
            ])
            .err()
            .unwrap();
        assert!(err.contains("`db`"), "{err}");
        assert_eq!(board.scenario(), &before);
        board
            .apply_allocation(&[
                ("migrate".into(), TaskState::dead()),
                ("web".into(), TaskState::running()),
            ])
            .unwrap();
        assert_eq!(board.coordinator().phase(), Phase::WaitAlloc);
    }
}
