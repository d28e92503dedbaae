//! The coordinator's finite state machine, as data: the phases, the gates each
//! phase opens, and the rule that moves the coordinator out of each phase.
//!
//! This is the single source of truth: the coordinator evaluates these rules,
//! and `explain`, the docs and the playground's diagram read them.

use std::fmt;
use std::str::FromStr;

use crate::error::{clip, Error};
use crate::model::{Stage, Status, TaskState};

/// A coordinator phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Phase {
    #[default]
    Init,
    Prestart,
    Main,
    Poststart,
    WaitAlloc,
    Poststop,
}

use Stage::{
    Main as MainStage, PoststartEphemeral, PoststartSidecar, Poststop as PoststopStage,
    PrestartEphemeral, PrestartSidecar,
};

impl Phase {
    /// Every phase, in lifecycle order.
    pub const ALL: [Phase; 6] = [
        Phase::Init,
        Phase::Prestart,
        Phase::Main,
        Phase::Poststart,
        Phase::WaitAlloc,
        Phase::Poststop,
    ];

    /// The gates open in this phase; every other gate is closed.
    pub const fn open_stages(self) -> &'static [Stage] {
        match self {
            // Nothing may start until every task has been reported pending.
            Phase::Init => &[],
            // Prestart tasks run; main tasks wait for them.
            Phase::Prestart => &[PrestartEphemeral, PrestartSidecar],
            // Ephemeral prestart tasks are done; sidecars keep running beside main.
            Phase::Main => &[PrestartSidecar, MainStage],
            // Every main task has started, so poststart tasks may run.
            Phase::Poststart => &[
                PrestartSidecar,
                MainStage,
                PoststartEphemeral,
                PoststartSidecar,
            ],
            // Ephemeral poststart tasks are done; the rest run until the alloc ends.
            Phase::WaitAlloc => &[PrestartSidecar, MainStage, PoststartSidecar],
            // Every other task is dead: only poststop tasks may run.
            Phase::Poststop => &[PoststopStage],
        }
    }

    /// Whether this phase opens the gate of `stage`.
    pub fn opens(self, stage: Stage) -> bool {
        self.open_stages().contains(&stage)
    }

    /// The rule that moves the coordinator out of this phase, checked after
    /// [`ALLOC_DONE`]. `wait_alloc` leaves only by `ALLOC_DONE`; `poststop` is terminal.
    pub const fn exit_rule(self) -> Option<&'static Rule> {
        match self {
            Phase::Init => Some(&INIT_DONE),
            Phase::Prestart => Some(&PRESTART_DONE),
            Phase::Main => Some(&MAIN_STARTED),
            Phase::Poststart => Some(&POSTSTART_DONE),
            Phase::WaitAlloc | Phase::Poststop => None,
        }
    }

    /// The rules that could move the coordinator out of this phase: the
    /// alloc-done rule (unless it leads here) and the exit rule.
    pub const fn rules_out(self) -> [Option<&'static Rule>; 2] {
        let alloc_done = if ALLOC_DONE.to as u8 == self as u8 {
            None
        } else {
            Some(&ALLOC_DONE)
        };
        [alloc_done, self.exit_rule()]
    }

    /// The requirements of [`Phase::rules_out`] in order, the alloc-done
    /// rule's first, each with its rule's position there: bit `b` of a
    /// [`Phase::key`] is requirement `b`'s. The one place key bits are
    /// assigned. At most [`KEY_BITS`]: a phase with more fails to compile
    /// (the const block under `KEY_BITS` evaluates this for every phase).
    pub const fn key_requirements(self) -> [Option<(usize, &'static Requirement)>; KEY_BITS] {
        let rules = self.rules_out();
        let mut out = [None; KEY_BITS];
        let (mut bit, mut r) = (0, 0);
        while r < rules.len() {
            if let Some(rule) = rules[r] {
                let mut q = 0;
                while q < rule.requires.len() {
                    out[bit] = Some((r, &rule.requires[q]));
                    (bit, q) = (bit + 1, q + 1);
                }
            }
            r += 1;
        }
        out
    }

    /// [`Phase::key`] bits: one per requirement of [`Phase::rules_out`].
    #[cfg(test)]
    fn key_bits(self) -> usize {
        self.key_requirements().iter().flatten().count()
    }

    /// Which requirements of [`Phase::rules_out`] cover `stage` and hold for
    /// a task in `state`, as bits (see [`Phase::key_requirements`]). States
    /// with the same key are interchangeable in this phase: a task of
    /// `stage` changing from one to the other changes no rule's outcome, so
    /// a coordinator settled here stays here.
    pub const fn key(self, stage: Stage, state: TaskState) -> u8 {
        let requirements = self.key_requirements();
        let (mut key, mut bit) = (0u8, 0);
        while bit < requirements.len() {
            if let Some((_, requirement)) = requirements[bit] {
                if covers(requirement.stages, stage) && requirement.want.holds(state) {
                    key |= 1 << bit;
                }
            }
            bit += 1;
        }
        key
    }

    /// The phases one update passes through on its way from `self` to `to`,
    /// ends excluded: the exit-rule chain between them (`main` → `wait_alloc`
    /// passes `poststart`). Empty when `to` is not down the chain: the
    /// alloc-done rule goes to `poststop` directly, a restart back to `init`.
    pub fn passed_through(self, to: Phase) -> Vec<Phase> {
        let mut path = Vec::new();
        let mut at = self;
        // The chain has at most five rules.
        while let Some(rule) = at.exit_rule() {
            if rule.to == to {
                return path;
            }
            path.push(rule.to);
            at = rule.to;
        }
        Vec::new()
    }

    /// The phase's name: `init`, `prestart`, `main`, `poststart`, `wait_alloc`, `poststop`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Phase::Init => "init",
            Phase::Prestart => "prestart",
            Phase::Main => "main",
            Phase::Poststart => "poststart",
            Phase::WaitAlloc => "wait_alloc",
            // The Go original's String() says "poststart" here; this is poststop.
            Phase::Poststop => "poststop",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Phase::ALL
            .into_iter()
            .find(|phase| phase.as_str() == s)
            .ok_or_else(|| Error::UnknownPhase {
                phase: clip(s).into_owned(),
            })
    }
}

crate::model::serde_as_str!(Phase);

/// Whether `stages` holds `stage` (in a const fn, where `contains` is not).
const fn covers(stages: &[Stage], stage: Stage) -> bool {
    let mut k = 0;
    while k < stages.len() {
        if stages[k] as u8 == stage as u8 {
            return true;
        }
        k += 1;
    }
    false
}

/// What a requirement asks of each task it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Want {
    /// Reported pending.
    Pending,
    /// Reported running.
    Running,
    /// Reported anything but pending: it has started (and may have ended).
    Started,
    /// Dead, failed or not.
    Dead,
    /// Dead and not failed.
    Successful,
}

impl Want {
    /// Whether a task in `state` meets this want.
    pub const fn holds(self, state: TaskState) -> bool {
        match self {
            Want::Pending => matches!(state.state, Status::Pending),
            Want::Running => matches!(state.state, Status::Running),
            Want::Started => !matches!(state.state, Status::Pending),
            Want::Dead => matches!(state.state, Status::Dead),
            Want::Successful => state.is_successful(),
        }
    }

    /// How a sentence says a task still has to meet this want: "to start", ...
    pub const fn to_verb(self) -> &'static str {
        match self {
            Want::Pending => "to be reported pending",
            Want::Running => "to be running",
            Want::Started => "to start",
            Want::Dead => "to finish",
            Want::Successful => "to finish successfully",
        }
    }
}

/// The most bits any phase's [`Phase::key`] has (prestart's: the alloc-done
/// rule's one requirement and its exit rule's two); keys fit in this many.
pub const KEY_BITS: usize = 3;
const _: () = {
    let mut p = 0;
    while p < Phase::ALL.len() {
        Phase::ALL[p].key_requirements();
        p += 1;
    }
};

/// How far a settled coordinator is from leaving its phase (see
/// [`crate::Coordinator::slack`]), per bit of [`Phase::key`]: `changes[b]`
/// more task state changes that set bit `b` of a task's key (the task comes
/// to meet requirement `b`) may be made, in any order or batching, before
/// the rule that requirement belongs to could hold.
///
/// Each rule out of the phase watches its requirement with the most unmet
/// tasks: the rule holds only once that one does, which takes at least as
/// many changes as it has unmet tasks, each setting its bit in one task's
/// key. So a rule whose watched requirement has `n` unmet tasks leaves
/// `n - 1` changes of that bit, and a change that sets no watched bit
/// brings no rule nearer (clearing a bit takes it further). A bit no rule
/// watches has `u32::MAX`: its changes never count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slack {
    pub changes: [u32; KEY_BITS],
}

impl Slack {
    /// No rule leaves the phase (`poststop`): nothing counts, ever.
    pub const UNBOUNDED: Slack = Slack {
        changes: [u32::MAX; KEY_BITS],
    };

    /// The bits some rule watches.
    pub fn watched(self) -> u8 {
        (0..KEY_BITS)
            .filter(|&b| self.changes[b] != u32::MAX)
            .fold(0, |bits, b| bits | 1 << b)
    }

    /// Spends a task's change from key `from` to key `to`: one change of
    /// each watched bit it sets. Returns false, spending nothing, when one
    /// of them has none left: that change may move the phase.
    pub fn spend(&mut self, from: u8, to: u8) -> bool {
        let sets = !from & to & self.watched();
        let spent = (0..KEY_BITS).filter(|&b| sets & 1 << b != 0);
        if spent.clone().any(|b| self.changes[b] == 0) {
            return false;
        }
        spent.for_each(|b| self.changes[b] -= 1);
        true
    }
}

/// "Every task of these stages is ...". An empty set of tasks meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub stages: &'static [Stage],
    pub want: Want,
    /// The requirement in words, for docs and the FSM view.
    pub says: &'static str,
}

/// A transition: the coordinator moves to `to` when every requirement holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub to: Phase,
    pub requires: &'static [Requirement],
}

/// Checked first, from any phase: when every non-poststop task is dead the
/// allocation is done and only poststop tasks may run.
pub const ALLOC_DONE: Rule = Rule {
    to: Phase::Poststop,
    requires: &[Requirement {
        stages: &[
            PrestartEphemeral,
            PrestartSidecar,
            MainStage,
            PoststartEphemeral,
            PoststartSidecar,
        ],
        want: Want::Dead,
        says: "every non-poststop task is dead",
    }],
};

/// init → prestart: every task (poststop ones included) is reported pending.
pub const INIT_DONE: Rule = Rule {
    to: Phase::Prestart,
    requires: &[Requirement {
        stages: &Stage::ALL,
        want: Want::Pending,
        says: "every task is pending",
    }],
};

/// prestart → main: every ephemeral prestart task exited successfully and
/// every prestart sidecar is running (trivially true with no prestart task).
pub const PRESTART_DONE: Rule = Rule {
    to: Phase::Main,
    requires: &[
        Requirement {
            stages: &[PrestartEphemeral],
            want: Want::Successful,
            says: "every prestart ephemeral task is successful",
        },
        Requirement {
            stages: &[PrestartSidecar],
            want: Want::Running,
            says: "every prestart sidecar is running",
        },
    ],
};

/// main → poststart: no main task is still pending (trivially true with no main task).
pub const MAIN_STARTED: Rule = Rule {
    to: Phase::Poststart,
    requires: &[Requirement {
        stages: &[MainStage],
        want: Want::Started,
        says: "every main task has started",
    }],
};

/// poststart → wait_alloc: every ephemeral poststart task is dead, failed or not
/// (trivially true with no such task).
pub const POSTSTART_DONE: Rule = Rule {
    to: Phase::WaitAlloc,
    requires: &[Requirement {
        stages: &[PoststartEphemeral],
        want: Want::Dead,
        says: "every poststart ephemeral task is dead",
    }],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_poststop_is_poststop() {
        for phase in Phase::ALL {
            assert_eq!(phase.as_str().parse::<Phase>().unwrap(), phase);
        }
        assert_eq!(Phase::Poststop.to_string(), "poststop");
        assert!("later"
            .parse::<Phase>()
            .unwrap_err()
            .to_string()
            .contains("`later`"));
    }

    #[test]
    fn an_update_passes_through_the_exit_rule_chain() {
        use Phase::*;
        assert_eq!(Main.passed_through(WaitAlloc), [Poststart]);
        assert_eq!(Init.passed_through(WaitAlloc), [Prestart, Main, Poststart]);
        assert_eq!(Prestart.passed_through(Main), []);
        assert_eq!(Main.passed_through(Poststop), [], "alloc done: directly");
        assert_eq!(Main.passed_through(Init), [], "a restart goes back");
        assert_eq!(Poststop.passed_through(Init), []);
    }

    #[test]
    fn every_stage_opens_in_some_phase() {
        for stage in Stage::ALL {
            assert!(
                Phase::ALL.iter().any(|p| p.opens(stage)),
                "{stage} never opens"
            );
        }
        assert!(Phase::Init.open_stages().is_empty());
    }

    #[test]
    fn keys_tell_the_states_that_matter_in_each_phase() {
        use Phase::*;
        use TaskState as T;
        let (pending, running, dead) = (T::pending(), T::running(), T::dead());
        // Whether a task of `stage` may change between `a` and `b` in `phase`.
        let alike = |phase: Phase, stage, a, b| phase.key(stage, a) == phase.key(stage, b);
        for stage in Stage::ALL {
            assert!(
                alike(Poststop, stage, pending, dead),
                "nothing leaves poststop"
            );
            assert!(
                !alike(Init, stage, pending, running),
                "init waits for all pending"
            );
        }
        // In prestart, a main task's start does not matter; its death may.
        assert!(alike(Prestart, MainStage, pending, running));
        assert!(!alike(Prestart, MainStage, running, dead));
        // A prestart sidecar's start does; its failing flag does not.
        assert!(!alike(Prestart, PrestartSidecar, pending, running));
        assert!(alike(
            Prestart,
            PrestartSidecar,
            running,
            T::new(Status::Running, true)
        ));
        // A stage in two requirements has a bit in each: a failed prestart
        // task is dead (alloc done) but not successful (prestart done).
        assert!(!alike(Prestart, PrestartEphemeral, T::failed(), dead));
        // In wait_alloc only the alloc-done rule is left: main tasks restarting do not matter.
        assert!(alike(WaitAlloc, MainStage, running, pending));
        assert_eq!(
            WaitAlloc.key(PoststopStage, dead),
            0,
            "poststop tasks are in no rule"
        );
    }

    #[test]
    fn keys_have_a_bit_per_requirement_out_and_fit_key_bits() {
        use Phase::*;
        // Alloc done's one requirement, then the exit rule's (prestart's two).
        let bits = Phase::ALL.map(Phase::key_bits);
        assert_eq!(bits, [2, 3, 2, 2, 1, 0], "{:?}", Phase::ALL);
        for phase in Phase::ALL {
            for stage in Stage::ALL {
                for status in Status::ALL {
                    for failed in [false, true] {
                        let key = phase.key(stage, TaskState::new(status, failed));
                        assert!(
                            usize::from(key) < 1 << phase.key_bits(),
                            "{phase} {stage:?}"
                        );
                    }
                }
            }
        }
        assert_eq!(Prestart.key_bits(), KEY_BITS, "the widest key");
    }

    #[test]
    fn a_change_spends_each_watched_bit_it_sets() {
        let mut slack = Slack {
            changes: [1, u32::MAX, 2],
        };
        assert_eq!(slack.watched(), 0b101);
        assert!(slack.spend(0b000, 0b010), "an unwatched bit");
        assert!(slack.spend(0b101, 0b111), "watched bits set both times");
        assert!(
            slack.spend(0b111, 0b010),
            "watched bits cleared: further away"
        );
        assert_eq!(
            slack,
            Slack {
                changes: [1, u32::MAX, 2]
            },
            "none spent"
        );
        assert!(slack.spend(0b000, 0b101), "both at once");
        assert_eq!(slack.changes, [0, u32::MAX, 1]);
        assert!(!slack.spend(0b000, 0b111), "bit 0 has none left");
        assert_eq!(slack.changes, [0, u32::MAX, 1], "and spends nothing");
        assert!(slack.spend(0b000, 0b100), "bit 2 has one");
        assert!(!slack.spend(0b000, 0b100));
        let mut unbounded = Slack::UNBOUNDED;
        assert!((0..100).all(|_| unbounded.spend(0, 0b111)) && unbounded == Slack::UNBOUNDED);
    }

    #[test]
    fn wants_hold_as_named() {
        use TaskState as T;
        assert!(Want::Successful.holds(T::dead()));
        assert!(!Want::Successful.holds(T::failed()));
        assert!(!Want::Successful.holds(T::new(Status::Running, true)));
        assert!(Want::Dead.holds(T::failed()));
        assert!(Want::Started.holds(T::new(Status::Dead, false)));
        assert!(!Want::Started.holds(T::new(Status::Pending, true)));
        assert!(Want::Pending.holds(T::new(Status::Pending, true)));
    }
}
