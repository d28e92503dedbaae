//! The Learn tour's state: which lesson is shown, and how many of each
//! lesson's "try it" steps the reader has done (kept in `localStorage` as
//! `id:n,id:n`). A step is ticked off when the coordinator shows what it
//! says, and only after the steps before it.

use super::Switchboard;
use crate::tools::scenario::lessons::{Lesson, LESSONS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnState {
    /// The lesson shown (an index into [`LESSONS`]).
    pub lesson: usize,
    /// Per lesson, how many of its steps are done.
    done: [usize; LESSONS.len()],
}

impl LearnState {
    /// At lesson `id` (the first if unknown), with the progress `stored`
    /// (what [`LearnState::to_storage`] wrote; anything else counts as none).
    pub fn new(id: &str, stored: &str) -> LearnState {
        let mut done = [0; LESSONS.len()];
        // Bounded by the number of lessons: unknown ids are skipped.
        for entry in stored.split(',').take(LESSONS.len()) {
            let Some((id, n)) = entry.split_once(':') else {
                continue;
            };
            if let (Some((i, lesson)), Ok(n)) = (Lesson::find(id), n.parse::<usize>()) {
                done[i] = n.min(lesson.steps.len());
            }
        }
        LearnState {
            lesson: Lesson::find(id).map_or(0, |(i, _)| i),
            done,
        }
    }

    pub fn to_storage(&self) -> String {
        LESSONS
            .iter()
            .zip(self.done)
            .filter(|(_, n)| *n > 0)
            .map(|(l, n)| format!("{}:{n}", l.id))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn current(&self) -> &'static Lesson {
        &LESSONS[self.lesson]
    }

    /// How many of lesson `i`'s steps are done.
    pub fn done(&self, i: usize) -> usize {
        self.done.get(i).copied().unwrap_or(0)
    }

    /// Ticks off the current lesson's next step if `board` now shows it;
    /// returns whether it did.
    pub fn check(&mut self, board: &Switchboard) -> bool {
        let lesson = self.current();
        let scenario = board.scenario();
        // One step per report: the next one needs a report of its own.
        let Some(step) = lesson.steps.get(self.done[self.lesson]) else {
            return false;
        };
        let met = step
            .expect
            .met(board.coordinator(), &scenario.tasks, &scenario.states);
        if met {
            self.done[self.lesson] += 1;
        }
        met
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::scenario::lessons::Act;
    use crate::tools::scenario::Scenario;

    /// Lets the runners' waits that have resolved admit them, as the page's
    /// awaited waits do (bounded: each admission re-arms only closed gates).
    fn settle(board: &mut Switchboard, arms: Vec<super::super::Arm>) {
        let mut arms = arms;
        for _ in 0..100 {
            let mut ready = Vec::new();
            let mut waiting = Vec::new();
            for mut arm in arms {
                match arm.wait.now() {
                    Some(Ok(())) => ready.push((arm.generation, arm.task)),
                    Some(Err(_)) => {} // its coordinator was replaced
                    None => waiting.push(arm),
                }
            }
            arms = waiting;
            if ready.is_empty() {
                return;
            }
            for (generation, task) in ready {
                arms.extend(board.admitted(generation, task, true).unwrap_or_default());
            }
        }
    }

    /// Does `act` on `board` as the page's controls do.
    fn act(board: &mut Switchboard, act: Act, leaders: &[bool]) {
        let arms = match act {
            Act::Report(name, state) => {
                let i = board.scenario().tasks.iter().position(|t| t.name == name);
                board.set_state(i.expect(name), state).unwrap()
            }
            Act::Apply => {
                let reaction = board
                    .reactions(leaders)
                    .into_iter()
                    .next()
                    .expect("a reaction");
                let (states, what) = reaction.apply.expect("one to apply");
                board.apply(states, &what).unwrap()
            }
            Act::Restart => board.restart(),
            Act::Restore => board.restore().unwrap(),
            Act::AllPending => board.all_pending().unwrap(),
        };
        settle(board, arms);
    }

    #[test]
    fn every_lesson_says_what_the_coordinator_does() {
        for (i, lesson) in LESSONS.iter().enumerate() {
            let scene = Scenario::from_hash(lesson.scene).unwrap();
            let leaders: Vec<bool> = scene
                .run
                .as_ref()
                .map_or(vec![], |r| r.behaviours.iter().map(|b| b.leader).collect());
            let mut board = Switchboard::default();
            let arms = board.load(scene, "lesson").unwrap();
            settle(&mut board, arms);
            if let Some(id) = lesson.over_time {
                let preset = crate::tools::scenario::Preset::find(id).expect(id);
                assert!(preset.run.is_some(), "{id} is a scene about time");
            }
            let mut learn = LearnState::new(lesson.id, "");
            assert_eq!(learn.lesson, i);
            assert!(
                !learn.check(&board),
                "{}: nothing is done at first",
                lesson.id
            );
            assert!((2..=4).contains(&lesson.text.len()) && (1..=3).contains(&lesson.steps.len()));
            for (k, step) in lesson.steps.iter().enumerate() {
                let (tasks, states) = (&board.scenario().tasks, &board.scenario().states);
                assert!(
                    !step.expect.met(board.coordinator(), tasks, states),
                    "{} step {k} is met before it is tried",
                    lesson.id
                );
                for &a in step.acts {
                    act(&mut board, a, &leaders);
                    learn.check(&board);
                }
                let (tasks, states) = (&board.scenario().tasks, &board.scenario().states);
                assert!(
                    step.expect.met(board.coordinator(), tasks, states),
                    "{} step {k}: {:?} but the coordinator is in {}",
                    lesson.id,
                    step.expect,
                    board.coordinator().phase()
                );
                assert_eq!(learn.done(i), k + 1, "{} step {k} ticked off", lesson.id);
                assert!(
                    board.flag().is_none(),
                    "{} step {k}: a report Nomad would make",
                    lesson.id
                );
            }
        }
    }

    #[test]
    fn progress_round_trips_through_storage_and_ignores_junk() {
        let learn = LearnState::new("sidecar", "phases:2,sidecar:1,nope:3,leader:99,restore:x");
        assert_eq!(learn.current().id, "sidecar");
        assert_eq!((learn.done(0), learn.done(2), learn.done(6)), (2, 1, 2));
        assert_eq!(learn.to_storage(), "phases:2,sidecar:1,leader:2");
        assert_eq!(LearnState::new("sidecar", &learn.to_storage()), learn);
        assert_eq!(LearnState::new("unknown", "").lesson, 0);
    }
}
