//! Nomad's alloc runner's reactions to its tasks' states, as plain functions
//! of the group: `handleTaskStateUpdates` (who is live, and whether the
//! group must be killed) and `killTasks`'s order. The simulator runs them
//! on its clock; the playground's switchboard shows them ("Nomad's alloc
//! runner would now…") and applies them on request. One copy of the rules.

use super::events::TaskEvent;
use crate::model::{Hook, Status, TaskSpec, TaskState};

/// What the group is, as the alloc runner's rules read it.
#[derive(Clone, Copy)]
pub struct Group<'a> {
    pub specs: &'a [TaskSpec],
    /// Per task: Nomad's `leader` flag.
    pub leaders: &'a [bool],
}

/// `handleTaskStateUpdates`'s reading of the tasks' states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Tasks not dead, poststop tasks aside (they are never killed and never
    /// count as live).
    pub live: Vec<usize>,
    /// Why every live task is to be killed, if it is.
    pub kill: Option<TaskEvent>,
}

impl Verdict {
    /// No live runner is left: each task's run loop is over, so nothing
    /// restarts any more.
    pub fn run_complete(&self) -> bool {
        self.live.is_empty()
    }
}

impl Group<'_> {
    pub fn is_poststop(&self, task: usize) -> bool {
        self.specs[task]
            .lifecycle
            .is_some_and(|l| l.hook == Hook::Poststop)
    }

    /// Nomad's `IsSidecarTask` reads the flag as written, whatever the hook.
    pub fn is_sidecar(&self, task: usize) -> bool {
        self.specs[task].lifecycle.is_some_and(|l| l.sidecar)
    }

    fn is_leader(&self, task: usize) -> bool {
        self.leaders.get(task).copied().unwrap_or(false)
    }

    /// `handleTaskStateUpdates`: when a non-poststop task is dead and failed,
    /// every live task gets "Sibling Task Failed" (the first failed task is
    /// named); when the leader is dead, "Leader Task Dead" (it wins over a
    /// failed sibling); when only sidecars are left alive, "Main Tasks Dead".
    pub fn verdict(&self, states: &[TaskState]) -> Verdict {
        let mut kill = None;
        let mut live = Vec::new();
        for task in (0..self.specs.len()).filter(|&t| !self.is_poststop(t)) {
            let state = states[task];
            if state.state != Status::Dead {
                live.push(task);
            } else if state.failed {
                kill.get_or_insert(TaskEvent::SiblingFailed { task });
            } else if self.is_leader(task) {
                kill = Some(TaskEvent::LeaderDead);
            }
        }
        if live.is_empty() {
            kill = None; // nobody left to kill
        } else if kill.is_none()
            && (0..self.specs.len()).any(|t| self.is_sidecar(t))
            && live.iter().all(|&t| self.is_sidecar(t))
        {
            kill = Some(TaskEvent::MainDead);
        }
        Verdict { live, kill }
    }

    /// `killTasks`'s rounds, each awaited before the next: poststop tasks
    /// (round 0, only when `max_run_duration` ran out), the leader, every
    /// other non-sidecar task, the sidecars.
    pub fn kill_round(&self, round: u8, max_run_exceeded: bool) -> Vec<usize> {
        (0..self.specs.len())
            .filter(|&t| match round {
                0 => max_run_exceeded && self.is_poststop(t),
                _ if self.is_poststop(t) => false,
                1 => self.is_leader(t),
                2 => !self.is_leader(t) && !self.is_sidecar(t),
                _ => !self.is_leader(t) && self.is_sidecar(t),
            })
            .collect()
    }

    /// The states once the kill `verdict` asks for is over, as the
    /// coordinator then hears them: every live task dead, not failed (a
    /// killed task is never failed).
    pub fn after_kill(&self, verdict: &Verdict, states: &[TaskState]) -> Vec<TaskState> {
        let mut after = states.to_vec();
        if verdict.kill.is_some() {
            for &task in &verdict.live {
                after[task] = TaskState::dead();
            }
        }
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Stage;

    fn group() -> Vec<TaskSpec> {
        vec![
            TaskSpec::in_stage("init", Stage::PrestartEphemeral),
            TaskSpec::in_stage("proxy", Stage::PrestartSidecar),
            TaskSpec::main("web"),
            TaskSpec::main("api"),
            TaskSpec::in_stage("ship", Stage::PoststartSidecar),
            TaskSpec::in_stage("cleanup", Stage::Poststop),
        ]
    }

    fn states(tokens: &str) -> Vec<TaskState> {
        tokens
            .split(' ')
            .map(|t| match t {
                "p" => TaskState::pending(),
                "r" => TaskState::running(),
                "d" => TaskState::dead(),
                _ => TaskState::failed(),
            })
            .collect()
    }

    #[test]
    fn a_failed_task_kills_every_live_one_but_poststop() {
        let specs = group();
        let g = Group {
            specs: &specs,
            leaders: &[false; 6],
        };
        let v = g.verdict(&states("f r p p p p"));
        assert_eq!(v.live, [1, 2, 3, 4]);
        assert_eq!(v.kill, Some(TaskEvent::SiblingFailed { task: 0 }));
        assert_eq!(
            g.after_kill(&v, &states("f r p p p p")),
            states("f d d d d p")
        );
    }

    #[test]
    fn a_dead_leader_wins_over_a_failed_sibling() {
        let specs = group();
        let leaders = [false, false, false, true, false, false];
        let g = Group {
            specs: &specs,
            leaders: &leaders,
        };
        assert_eq!(
            g.verdict(&states("f r r d r p")).kill,
            Some(TaskEvent::LeaderDead)
        );
        assert_eq!(g.verdict(&states("d r r r r p")).kill, None);
        assert_eq!(g.kill_round(1, false), [3]);
        assert_eq!(g.kill_round(2, false), [0, 2]);
        assert_eq!(g.kill_round(3, false), [1, 4]);
        assert_eq!(g.kill_round(0, false), Vec::<usize>::new());
        assert_eq!(g.kill_round(0, true), [5]);
    }

    #[test]
    fn only_sidecars_left_are_killed_and_an_empty_group_is_complete() {
        let specs = group();
        let g = Group {
            specs: &specs,
            leaders: &[],
        };
        let v = g.verdict(&states("d r d d r p"));
        assert_eq!(
            (v.live.as_slice(), v.kill),
            (&[1, 4][..], Some(TaskEvent::MainDead))
        );
        let done = g.verdict(&states("d d d d d p"));
        assert!(done.run_complete() && done.kill.is_none());
        assert_eq!(
            g.after_kill(&done, &states("d d d d d p")),
            states("d d d d d p")
        );
        // With no sidecar in the group, live main tasks are not "only sidecars".
        let mains = &specs[2..4];
        let g = Group {
            specs: mains,
            leaders: &[],
        };
        assert_eq!(g.verdict(&states("d r")).kill, None);
    }
}
