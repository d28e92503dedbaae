//! Why a task may or may not start, in plain words, read off the rules in
//! [`crate::phase`] and the coordinator's current states.

use serde::Serialize;

use crate::error::Error;
use crate::model::{Stage, Status, TaskSpec, TaskState};
use crate::phase::{Phase, Requirement, Rule, Want, ALLOC_DONE};
use crate::Coordinator;

/// One task a requirement covers, and whether it meets it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskCheck {
    pub name: String,
    pub stage: Stage,
    pub state: TaskState,
    pub met: bool,
}

/// A requirement of a transition rule, checked against the current states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementCheck {
    /// The requirement in words: "every prestart ephemeral task is successful".
    pub says: &'static str,
    #[serde(skip)]
    pub want: Want,
    /// The tasks it covers, in task order. Empty means trivially met.
    pub tasks: Vec<TaskCheck>,
    pub met: bool,
}

/// A transition the coordinator could take next, with its requirements checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCheck {
    pub to: Phase,
    pub requirements: Vec<RequirementCheck>,
    pub met: bool,
}

impl Coordinator {
    /// The transitions out of the current phase (its own rule, then the
    /// alloc-done rule that applies from any phase), checked against the last
    /// reported states. Empty in `poststop`, which is terminal.
    pub fn next_transitions(&self) -> Vec<RuleCheck> {
        let (phase, states, _) = self.snapshot();
        let check = |rule: &Rule| self.check_rule(rule, &states);
        match phase {
            Phase::Poststop => Vec::new(),
            _ => phase
                .exit_rule()
                .into_iter()
                .chain([&ALLOC_DONE])
                .map(check)
                .collect(),
        }
    }

    fn check_rule(&self, rule: &Rule, states: &[TaskState]) -> RuleCheck {
        let requirements: Vec<RequirementCheck> = rule
            .requires
            .iter()
            .map(|r| self.check_requirement(r, states))
            .collect();
        RuleCheck {
            to: rule.to,
            met: requirements.iter().all(|r| r.met),
            requirements,
        }
    }

    /// The tasks `requirement` covers, in task order, with their stage and
    /// last reported state: what both the checks and `explain` read.
    fn covered<'a>(
        &'a self,
        requirement: &'a Requirement,
        states: &'a [TaskState],
    ) -> impl Iterator<Item = (&'a TaskSpec, Stage, TaskState)> + 'a {
        self.tasks()
            .iter()
            .zip(self.stage_list())
            .zip(states)
            .filter(|((_, stage), _)| requirement.stages.contains(stage))
            .map(|((spec, &stage), &state)| (spec, stage, state))
    }

    fn check_requirement(
        &self,
        requirement: &Requirement,
        states: &[TaskState],
    ) -> RequirementCheck {
        let tasks: Vec<TaskCheck> = self
            .covered(requirement, states)
            .map(|(spec, stage, state)| TaskCheck {
                name: spec.name.clone(),
                stage,
                state,
                met: requirement.want.holds(state),
            })
            .collect();
        RequirementCheck {
            says: requirement.says,
            want: requirement.want,
            met: tasks.iter().all(|t| t.met),
            tasks,
        }
    }

    /// Why `name` may or may not start now, in one sentence, e.g. "main is
    /// blocked: the coordinator is in prestart, waiting for prestart task
    /// `init` to finish successfully".
    pub fn explain(&self, name: &str) -> Result<String, Error> {
        let stage = self.stage_of(name)?;
        let (phase, states, shut_down) = self.snapshot();
        if shut_down {
            return Ok(format!("{name} is blocked: the coordinator was shut down"));
        }
        if self.is_allowed(name)? {
            return Ok(format!(
                "{name} may start: the coordinator is in {phase}, which opens the {stage} gate"
            ));
        }
        let blocked = format!("{name} is blocked: the coordinator is in {phase}");
        let opening: Vec<Phase> = Phase::ALL.into_iter().filter(|p| p.opens(stage)).collect();
        if phase == Phase::Poststop {
            return Ok(format!(
                "{blocked}: every non-poststop task is dead, so only poststop tasks may run"
            ));
        }
        if stage == Stage::Poststop {
            let waiting = self.unmet(&ALLOC_DONE, &states);
            return Ok(format!(
                "{blocked}, and poststop tasks wait until every other task is dead: waiting for {waiting}"
            ));
        }
        if opening.iter().all(|&p| p < phase) {
            let when = join_words(opening.iter().map(|p| p.as_str().into()).collect(), "or");
            return Ok(format!(
                "{blocked}: {stage} tasks only start in {when}, which is over"
            ));
        }
        let rule = phase.exit_rule().unwrap_or(&ALLOC_DONE);
        Ok(format!(
            "{blocked}, waiting for {}",
            self.unmet(rule, &states)
        ))
    }

    /// "prestart task `a` to finish successfully, main task `b` to start", at most
    /// a few names and a count of the rest: the tasks that do not meet the
    /// rule's requirements, requirement by requirement, each in task order.
    /// (Straight from the states rather than through [`Coordinator::next_transitions`]'
    /// checks, which copy every name: the npm core wasm carries this and not those.)
    fn unmet(&self, rule: &Rule, states: &[TaskState]) -> String {
        const SHOWN: usize = 3;
        let mut shown = Vec::with_capacity(SHOWN + 1);
        let mut total = 0;
        for requirement in rule.requires {
            for (spec, stage, state) in self.covered(requirement, states) {
                if requirement.want.holds(state) {
                    continue;
                }
                total += 1;
                if total > SHOWN {
                    continue;
                }
                let failed = if requirement.want == Want::Successful
                    && state.failed
                    && state.state == Status::Dead
                {
                    " (it failed: this gate stays shut, and Nomad's alloc runner kills the live tasks so that poststop runs)"
                } else {
                    ""
                };
                shown.push(format!(
                    "{} `{}` {}{failed}",
                    stage.task_noun(),
                    spec.name,
                    requirement.want.to_verb()
                ));
            }
        }
        if total > SHOWN {
            shown.push(format!("{} more", total - SHOWN));
        }
        if total == 0 {
            // The rule is met but has not fired: before the first update, or
            // after a restart (init ends on an update that finds every task pending).
            return "the next report of task states, as every task meets the rule".into();
        }
        join_words(shown, "and")
    }
}

/// "a", "a and b", "a, b and c".
pub(crate) fn join_words(words: Vec<String>, conjunction: &str) -> String {
    let mut out = String::new();
    let last = words.len().saturating_sub(1);
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            out.push_str(if i == last { " " } else { ", " });
            if i == last {
                out.push_str(conjunction);
                out.push(' ');
            }
        }
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::join_words;

    #[test]
    fn words_join_as_english_lists_them() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_words(words(&[]), "and"), "");
        assert_eq!(join_words(words(&["a"]), "and"), "a");
        assert_eq!(join_words(words(&["a", "b"]), "or"), "a or b");
        assert_eq!(join_words(words(&["a", "b", "c"]), "and"), "a, b and c");
    }
}
