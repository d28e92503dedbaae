//! The vocabulary of a task group: task specs, lifecycle hooks, the six stages
//! a task falls into, and the task states the alloc runner reports.
//!
//! Serde accepts both this crate's lowercase form (`name`, `lifecycle.hook`,
//! `state`, `failed`) and Nomad's own API JSON (`Name`, `Lifecycle.Hook`,
//! `State`, `Failed`), ignoring any other Nomad field, so a task or a task
//! state copied out of `nomad job inspect` or `/v1/allocation/:id` works as is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{clip, Error};

/// A lifecycle hook, as written in a jobspec's `lifecycle { hook = ... }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hook {
    /// `""`: Nomad treats a lifecycle block with an empty hook as a main task.
    Empty,
    /// `"prestart"`: runs before the main tasks.
    Prestart,
    /// `"poststart"`: runs once the main tasks have started.
    Poststart,
    /// `"poststop"`: runs once every other task is dead.
    Poststop,
}

impl Hook {
    /// Every hook, in lifecycle order.
    pub const ALL: [Hook; 4] = [Hook::Empty, Hook::Prestart, Hook::Poststart, Hook::Poststop];

    /// The hook as Nomad spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Hook::Empty => "",
            Hook::Prestart => "prestart",
            Hook::Poststart => "poststart",
            Hook::Poststop => "poststop",
        }
    }

    /// Whether a lifecycle block with this hook may say `sidecar = true` and
    /// mean it: only prestart and poststart tasks can be sidecars.
    pub const fn takes_sidecar(self) -> bool {
        matches!(self, Hook::Prestart | Hook::Poststart)
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Hook {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Hook::ALL
            .into_iter()
            .find(|hook| hook.as_str() == s)
            .ok_or_else(|| Error::UnknownHook {
                hook: clip(s).into_owned(),
            })
    }
}

/// A task's `lifecycle` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lifecycle {
    /// When the task runs relative to the main tasks.
    #[serde(
        alias = "Hook",
        deserialize_with = "nullable_hook",
        default = "empty_hook"
    )]
    pub hook: Hook,
    /// Whether the task keeps running alongside the main tasks.
    /// Ignored for main and poststop tasks, as in Nomad.
    #[serde(alias = "Sidecar", default, deserialize_with = "nullable_bool")]
    pub sidecar: bool,
}

/// One task of a task group: its name and optional lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TaskSpec {
    /// The task's name, unique within its group.
    #[serde(alias = "Name")]
    pub name: String,
    /// `None` (or an empty hook) makes the task a main task.
    #[serde(alias = "Lifecycle", default)]
    pub lifecycle: Option<Lifecycle>,
}

impl TaskSpec {
    /// A task with the given lifecycle (`None` for a main task).
    pub fn new(name: impl Into<String>, lifecycle: Option<Lifecycle>) -> Self {
        TaskSpec {
            name: name.into(),
            lifecycle,
        }
    }

    fn with_hook(name: impl Into<String>, hook: Hook, sidecar: bool) -> Self {
        TaskSpec::new(name, Some(Lifecycle { hook, sidecar }))
    }

    /// A task of `stage`, with that stage's canonical lifecycle block.
    pub fn in_stage(name: impl Into<String>, stage: Stage) -> Self {
        TaskSpec::new(name, stage.lifecycle())
    }

    /// A main task: no lifecycle block.
    pub fn main(name: impl Into<String>) -> Self {
        TaskSpec::new(name, None)
    }

    /// A prestart task that must finish successfully before main tasks start.
    pub fn prestart(name: impl Into<String>) -> Self {
        TaskSpec::with_hook(name, Hook::Prestart, false)
    }

    /// A prestart sidecar: must be running before main tasks start.
    pub fn prestart_sidecar(name: impl Into<String>) -> Self {
        TaskSpec::with_hook(name, Hook::Prestart, true)
    }

    /// A poststart task, started once every main task has started.
    pub fn poststart(name: impl Into<String>) -> Self {
        TaskSpec::with_hook(name, Hook::Poststart, false)
    }

    /// A poststart sidecar, kept running alongside the main tasks.
    pub fn poststart_sidecar(name: impl Into<String>) -> Self {
        TaskSpec::with_hook(name, Hook::Poststart, true)
    }

    /// A poststop task, started once every other task is dead.
    pub fn poststop(name: impl Into<String>) -> Self {
        TaskSpec::with_hook(name, Hook::Poststop, false)
    }

    /// The stage this task belongs to, hence the gate it waits on.
    pub fn stage(&self) -> Stage {
        Stage::of(self.lifecycle.as_ref())
    }
}

/// The six groups of tasks that share a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    PrestartEphemeral,
    PrestartSidecar,
    Main,
    PoststartEphemeral,
    PoststartSidecar,
    Poststop,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 6] = [
        Stage::PrestartEphemeral,
        Stage::PrestartSidecar,
        Stage::Main,
        Stage::PoststartEphemeral,
        Stage::PoststartSidecar,
        Stage::Poststop,
    ];

    /// Which stage a lifecycle block puts a task in (Nomad's table: an empty
    /// hook means main; the sidecar flag only matters for prestart and poststart).
    pub const fn of(lifecycle: Option<&Lifecycle>) -> Stage {
        match lifecycle {
            None => Stage::Main,
            Some(Lifecycle { hook, sidecar }) => match (hook, sidecar) {
                (Hook::Empty, _) => Stage::Main,
                (Hook::Prestart, false) => Stage::PrestartEphemeral,
                (Hook::Prestart, true) => Stage::PrestartSidecar,
                (Hook::Poststart, false) => Stage::PoststartEphemeral,
                (Hook::Poststart, true) => Stage::PoststartSidecar,
                (Hook::Poststop, _) => Stage::Poststop,
            },
        }
    }

    /// The canonical lifecycle block that puts a task in this stage (the
    /// inverse of [`Stage::of`]): `None` for main.
    pub const fn lifecycle(self) -> Option<Lifecycle> {
        let (hook, sidecar) = match self {
            Stage::Main => return None,
            Stage::PrestartEphemeral => (Hook::Prestart, false),
            Stage::PrestartSidecar => (Hook::Prestart, true),
            Stage::PoststartEphemeral => (Hook::Poststart, false),
            Stage::PoststartSidecar => (Hook::Poststart, true),
            Stage::Poststop => (Hook::Poststop, false),
        };
        Some(Lifecycle { hook, sidecar })
    }

    /// Whether tasks of this stage are sidecars: they run beside the main
    /// tasks and are stopped once the main tasks are dead.
    pub const fn is_sidecar(self) -> bool {
        matches!(self, Stage::PrestartSidecar | Stage::PoststartSidecar)
    }

    /// The hook of this stage's lifecycle block (`Hook::Empty` for main).
    pub const fn hook(self) -> Hook {
        match self.lifecycle() {
            Some(lifecycle) => lifecycle.hook,
            None => Hook::Empty,
        }
    }

    /// Dense index, for per-stage arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The stage's name in the JS API and the docs: `prestart-ephemeral`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::PrestartEphemeral => "prestart-ephemeral",
            Stage::PrestartSidecar => "prestart-sidecar",
            Stage::Main => "main",
            Stage::PoststartEphemeral => "poststart-ephemeral",
            Stage::PoststartSidecar => "poststart-sidecar",
            Stage::Poststop => "poststop",
        }
    }

    /// How a sentence names one task of this stage: "prestart task", "main task", ...
    pub const fn task_noun(self) -> &'static str {
        match self {
            Stage::PrestartEphemeral => "prestart task",
            Stage::PrestartSidecar => "prestart sidecar",
            Stage::Main => "main task",
            Stage::PoststartEphemeral => "poststart task",
            Stage::PoststartSidecar => "poststart sidecar",
            Stage::Poststop => "poststop task",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| Error::UnknownStage {
                stage: clip(s).into_owned(),
            })
    }
}

/// A set of stages, as a bitset: which gates an update opened or closed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StageSet(u8);

impl StageSet {
    pub const EMPTY: StageSet = StageSet(0);

    pub const fn contains(self, stage: Stage) -> bool {
        self.0 & (1 << stage.index()) != 0
    }

    pub fn insert(&mut self, stage: Stage) {
        self.0 |= 1 << stage.index();
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Bit `i` set for `Stage::ALL[i]`.
    pub const fn bits(self) -> u8 {
        self.0
    }

    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The stages in lifecycle order.
    pub fn iter(self) -> impl Iterator<Item = Stage> {
        Stage::ALL
            .into_iter()
            .filter(move |stage| self.contains(*stage))
    }
}

impl FromIterator<Stage> for StageSet {
    fn from_iter<I: IntoIterator<Item = Stage>>(iter: I) -> Self {
        let mut set = StageSet::EMPTY;
        iter.into_iter().for_each(|stage| set.insert(stage));
        set
    }
}

impl fmt::Debug for StageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for StageSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Where a task is in its own life, as the alloc runner reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Status {
    #[default]
    Pending,
    Running,
    Dead,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Pending, Status::Running, Status::Dead];

    /// Dense index, for per-status counters.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// As Nomad spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Dead => "dead",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| Error::UnknownState {
                state: clip(s).into_owned(),
            })
    }
}

/// A task's reported state: its status plus Nomad's `Failed` flag (any
/// combination may be reported; only a dead, non-failed task is successful).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TaskState {
    #[serde(alias = "State")]
    pub state: Status,
    #[serde(alias = "Failed", default, deserialize_with = "nullable_bool")]
    pub failed: bool,
}

impl TaskState {
    pub const fn new(state: Status, failed: bool) -> Self {
        TaskState { state, failed }
    }
    pub const fn pending() -> Self {
        TaskState::new(Status::Pending, false)
    }
    pub const fn running() -> Self {
        TaskState::new(Status::Running, false)
    }
    /// Dead and not failed: exited successfully.
    pub const fn dead() -> Self {
        TaskState::new(Status::Dead, false)
    }
    /// Dead and failed.
    pub const fn failed() -> Self {
        TaskState::new(Status::Dead, true)
    }

    /// Nomad's `TaskState.Successful()`: dead and not failed.
    pub const fn is_successful(self) -> bool {
        matches!(self.state, Status::Dead) && !self.failed
    }

    /// One word for the state as the playground labels and styles it:
    /// `pending`, `running`, `dead` (exited successfully), or `failed` for a
    /// dead, failed task. (`failed` on a task that is not dead is rare; the
    /// word follows its status.)
    pub const fn label(self) -> &'static str {
        match (self.state, self.failed) {
            (Status::Dead, true) => "failed",
            (status, _) => status.as_str(),
        }
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.state, self.failed) {
            (state, false) => write!(f, "{state}"),
            (state, true) => write!(f, "{state} (failed)"),
        }
    }
}

/// Serde as the type's `as_str()` / `FromStr`: one spelling for every
/// name-like enum of the core (hooks, stages, statuses, phases).
macro_rules! serde_as_str {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use serde_as_str;

serde_as_str!(Hook);
serde_as_str!(Stage);
serde_as_str!(Status);

fn empty_hook() -> Hook {
    Hook::Empty
}

/// Nomad writes `"Hook": null` in places; it means the same as `""`.
fn nullable_hook<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Hook, D::Error> {
    Ok(Option::<Hook>::deserialize(deserializer)?.unwrap_or(Hook::Empty))
}

/// `null` for a flag means false, as Go's zero value.
fn nullable_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(deserializer)?.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_table_matches_nomad() {
        let cases = [
            (None, Stage::Main),
            (Some((Hook::Empty, false)), Stage::Main),
            (Some((Hook::Empty, true)), Stage::Main),
            (Some((Hook::Prestart, false)), Stage::PrestartEphemeral),
            (Some((Hook::Prestart, true)), Stage::PrestartSidecar),
            (Some((Hook::Poststart, false)), Stage::PoststartEphemeral),
            (Some((Hook::Poststart, true)), Stage::PoststartSidecar),
            (Some((Hook::Poststop, false)), Stage::Poststop),
            (Some((Hook::Poststop, true)), Stage::Poststop),
        ];
        for (lifecycle, want) in cases {
            let lifecycle = lifecycle.map(|(hook, sidecar)| Lifecycle { hook, sidecar });
            assert_eq!(Stage::of(lifecycle.as_ref()), want, "{lifecycle:?}");
        }
    }

    #[test]
    fn stage_facts_agree_with_the_stage_table() {
        for stage in Stage::ALL {
            // The canonical lifecycle block is the inverse of `Stage::of`.
            assert_eq!(Stage::of(stage.lifecycle().as_ref()), stage);
            assert_eq!(TaskSpec::in_stage("t", stage).stage(), stage);
            assert_eq!(
                stage.hook(),
                stage.lifecycle().map_or(Hook::Empty, |l| l.hook)
            );
            // A sidecar stage is exactly one whose canonical block says sidecar.
            assert_eq!(
                stage.is_sidecar(),
                stage.lifecycle().is_some_and(|l| l.sidecar)
            );
        }
        let takes: Vec<Hook> = Hook::ALL
            .into_iter()
            .filter(|h| h.takes_sidecar())
            .collect();
        assert_eq!(takes, [Hook::Prestart, Hook::Poststart]);
        // The sidecar flag changes the stage exactly for the hooks that take it.
        for hook in Hook::ALL {
            let with = Stage::of(Some(&Lifecycle {
                hook,
                sidecar: true,
            }));
            let without = Stage::of(Some(&Lifecycle {
                hook,
                sidecar: false,
            }));
            assert_eq!(with != without, hook.takes_sidecar(), "{hook:?}");
        }
    }

    #[test]
    fn state_labels() {
        let labels: Vec<&str> = [
            TaskState::pending(),
            TaskState::running(),
            TaskState::dead(),
            TaskState::failed(),
            TaskState::new(Status::Running, true),
        ]
        .into_iter()
        .map(TaskState::label)
        .collect();
        assert_eq!(labels, ["pending", "running", "dead", "failed", "running"]);
    }

    #[test]
    fn parses_lowercase_and_nomad_json() {
        let ours: TaskSpec = serde_json::from_str(
            r#"{"name":"proxy","lifecycle":{"hook":"prestart","sidecar":true}}"#,
        )
        .unwrap();
        let nomad: TaskSpec = serde_json::from_str(
            r#"{"Name":"proxy","Driver":"docker","Config":{"image":"envoy"},
                "Lifecycle":{"Hook":"prestart","Sidecar":true}}"#,
        )
        .unwrap();
        assert_eq!(ours, nomad);
        assert_eq!(nomad.stage(), Stage::PrestartSidecar);

        let main: TaskSpec = serde_json::from_str(r#"{"Name":"web","Lifecycle":null}"#).unwrap();
        assert_eq!(main.stage(), Stage::Main);
        let empty: TaskSpec =
            serde_json::from_str(r#"{"name":"web","lifecycle":{"hook":""}}"#).unwrap();
        assert_eq!(empty.stage(), Stage::Main);

        let state: TaskState = serde_json::from_str(
            r#"{"State":"dead","Failed":true,"Restarts":2,"Events":[{"Type":"Killed"}]}"#,
        )
        .unwrap();
        assert_eq!(state, TaskState::failed());
        let state: TaskState = serde_json::from_str(r#"{"state":"running"}"#).unwrap();
        assert_eq!(state, TaskState::running());
    }

    #[test]
    fn bad_strings_name_the_culprit() {
        let err =
            serde_json::from_str::<TaskSpec>(r#"{"name":"x","lifecycle":{"hook":"prestop"}}"#)
                .unwrap_err();
        assert!(err.to_string().contains("unknown hook `prestop`"), "{err}");
        let err = serde_json::from_str::<TaskState>(r#"{"state":"exploded"}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown task state `exploded`"),
            "{err}"
        );
        assert!("sideways"
            .parse::<Stage>()
            .unwrap_err()
            .to_string()
            .contains("`sideways`"));
    }

    #[test]
    fn round_trips_through_json() {
        for spec in [TaskSpec::main("a"), TaskSpec::poststart_sidecar("b")] {
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(serde_json::from_str::<TaskSpec>(&json).unwrap(), spec);
        }
        for state in [TaskState::pending(), TaskState::failed()] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(serde_json::from_str::<TaskState>(&json).unwrap(), state);
        }
    }
}
