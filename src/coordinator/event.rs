//! What the coordinator reports when its phase changes.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::model::{StageSet, TaskState};
use crate::phase::Phase;

/// A phase change and the gates it moved. Gates move once per update, after
/// the update has settled on its final phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: Phase,
    pub to: Phase,
    /// Gates that were closed before the update and are open after it.
    pub opened: StageSet,
    /// Gates that were open before the update and are closed after it.
    pub closed: StageSet,
}

/// The call that caused a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// `task_state_updated` or `set_task_state`, with the states it reported.
    Update {
        #[serde(serialize_with = "as_map")]
        states: Vec<(String, TaskState)>,
    },
    /// `restore`, with the states it reported.
    Restore {
        #[serde(serialize_with = "as_map")]
        states: Vec<(String, TaskState)>,
    },
    /// `restart`.
    Restart,
}

/// What subscribers receive: the transition and the call that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionEvent {
    #[serde(flatten)]
    pub transition: Transition,
    pub cause: Cause,
}

fn as_map<S: Serializer>(states: &[(String, TaskState)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(states.len()))?;
    for (name, state) in states {
        map.serialize_entry(name, state)?;
    }
    map.end()
}
