//! Per-stage counters of task states, so that checking a transition rule costs
//! O(1) whatever the number of tasks, and an update costs O(tasks it names).

use crate::model::{Stage, Status, TaskState};
use crate::phase::{Phase, Requirement, Rule, Slack, Want, ALLOC_DONE};

#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    total: [u32; 6],
    by_status: [[u32; 3]; 6],
    successful: [u32; 6],
}

impl Tally {
    /// Counts a task of `stage` in `state` (or stops counting it).
    pub(crate) fn count(&mut self, stage: Stage, state: TaskState, add: bool) {
        let s = stage.index();
        let bump = |n: &mut u32| *n = if add { *n + 1 } else { *n - 1 };
        bump(&mut self.by_status[s][state.state.index()]);
        if state.is_successful() {
            bump(&mut self.successful[s]);
        }
    }

    /// Adds a task of `stage` to the group's totals.
    pub(crate) fn add_task(&mut self, stage: Stage, state: TaskState) {
        self.total[stage.index()] += 1;
        self.count(stage, state, true);
    }

    /// Back to every task pending (for [`super::Coordinator::reset`]).
    pub(crate) fn all_pending(&mut self) {
        let total = self.total;
        *self = Tally {
            total,
            by_status: total.map(|n| {
                let mut by_status = [0; 3];
                by_status[Status::Pending.index()] = n;
                by_status
            }),
            successful: [0; 6],
        };
    }

    /// How many tasks of `stage` meet `want`.
    fn meeting(&self, stage: Stage, want: Want) -> u32 {
        let s = stage.index();
        let status = |st: Status| self.by_status[s][st.index()];
        match want {
            Want::Pending => status(Status::Pending),
            Want::Running => status(Status::Running),
            Want::Started => self.total[s] - status(Status::Pending),
            Want::Dead => status(Status::Dead),
            Want::Successful => self.successful[s],
        }
    }

    /// Whether every task the requirement covers meets it (true when it covers none).
    pub(crate) fn meets(&self, requirement: &Requirement) -> bool {
        requirement
            .stages
            .iter()
            .all(|&stage| self.meeting(stage, requirement.want) == self.total[stage.index()])
    }

    /// How many tasks `requirement` covers that do not meet it. (Not
    /// inlined: the wasm would hold a copy for each requirement of each phase.)
    #[inline(never)]
    fn unmet(&self, requirement: &Requirement) -> u32 {
        (requirement.stages.iter())
            .map(|&stage| self.total[stage.index()] - self.meeting(stage, requirement.want))
            .sum()
    }

    /// How far a coordinator settled in `phase` is from leaving it (see
    /// [`Slack`]). A rule holds when each of its requirements has no unmet
    /// task, and one task's change meets or unmeets a requirement for at
    /// most that one task. So a rule whose worst requirement has `n` unmet
    /// tasks needs `n` changes that set that requirement's bit of a task's
    /// key (see [`Phase::key_requirements`]); `n - 1` of them, one task at
    /// a time or in one update, leave the rule short, whatever changes
    /// that set other bits come with them.
    pub(crate) fn slack(&self, phase: Phase) -> Slack {
        // Each rule's worst requirement, as (key bit, unmet tasks): the
        // first of the worst. (A rule with no requirement holds at once,
        // so a settled coordinator is never left with one.)
        let mut worst = phase.rules_out().map(|_| None::<(usize, u32)>);
        for (bit, requirement) in phase.key_requirements().into_iter().enumerate() {
            let Some((rule, requirement)) = requirement else {
                continue;
            };
            let unmet = self.unmet(requirement);
            if worst[rule].is_none_or(|(_, most)| unmet > most) {
                worst[rule] = Some((bit, unmet));
            }
        }
        let mut slack = Slack::UNBOUNDED;
        for (bit, most) in worst.into_iter().flatten() {
            slack.changes[bit] = most.saturating_sub(1);
        }
        slack
    }

    fn allows(&self, rule: &Rule) -> bool {
        rule.requires.iter().all(|r| self.meets(r))
    }

    /// One step of the FSM: the alloc-done rule from any phase, then the phase's own exit rule.
    pub(crate) fn next_phase(&self, phase: Phase) -> Phase {
        if self.allows(&ALLOC_DONE) {
            return ALLOC_DONE.to;
        }
        match phase.exit_rule() {
            Some(rule) if self.allows(rule) => rule.to,
            _ => phase,
        }
    }

    /// Applies the rules until the phase stops changing.
    pub(crate) fn settle(&self, mut phase: Phase) -> Phase {
        loop {
            let next = self.next_phase(phase);
            if next == phase {
                return phase;
            }
            phase = next;
        }
    }
}
