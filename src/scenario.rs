//! A scenario: a task group and its tasks' states, as the playground shows it;
//! the presets it offers; and the compact, human-readable form it takes in a
//! share link's URL hash (`#init=prestart-ephemeral,dead&web=main,running`).
//!
//! No UI here, so it is unit-tested natively and usable from any front end.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use crate::coordinator::Coordinator;
use crate::error::Error;
use crate::model::{Hook, Lifecycle, Stage, Status, TaskSpec, TaskState};

/// At most this many tasks in a shared link; a longer link is refused.
pub const MAX_TASKS: usize = 64;
/// At most this many characters of URL hash are read.
pub const MAX_HASH_LEN: usize = 8 * 1024;

/// A task group and its tasks' current states (same order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub tasks: Vec<TaskSpec>,
    pub states: Vec<TaskState>,
}

impl Scenario {
    /// Tasks of the given stages, every one pending.
    pub fn pending(tasks: impl IntoIterator<Item = (&'static str, Stage)>) -> Self {
        let tasks: Vec<TaskSpec> = tasks
            .into_iter()
            .map(|(name, stage)| spec_for(name, stage))
            .collect();
        let states = vec![TaskState::pending(); tasks.len()];
        Scenario { tasks, states }
    }

    /// Whether every task is pending (a fresh alloc).
    pub fn all_pending(&self) -> bool {
        self.states.iter().all(|s| s.state == Status::Pending)
    }

    /// The states by name, as an update names them.
    pub fn named_states(&self) -> impl Iterator<Item = (&str, TaskState)> {
        self.tasks
            .iter()
            .map(|t| t.name.as_str())
            .zip(self.states.iter().copied())
    }

    /// The URL hash (without `#`) that [`Scenario::from_hash`] reads back.
    pub fn to_hash(&self) -> String {
        self.tasks
            .iter()
            .zip(&self.states)
            .map(|(task, &state)| {
                let name = utf8_percent_encode(&task.name, NAME_ESCAPES);
                format!("{name}={},{}", task.stage(), state_token(state))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a URL hash (with or without `#`). Every task must be valid for a
    /// coordinator; the error names the entry at fault.
    pub fn from_hash(hash: &str) -> Result<Scenario, Error> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.len() > MAX_HASH_LEN {
            return Err(invalid(format!(
                "the link is too long ({} characters, at most {MAX_HASH_LEN})",
                hash.len()
            )));
        }
        if hash.is_empty() {
            return Err(invalid("the link names no task".into()));
        }
        let mut scenario = Scenario {
            tasks: Vec::new(),
            states: Vec::new(),
        };
        for (i, entry) in hash.split('&').enumerate() {
            if i == MAX_TASKS {
                return Err(invalid(format!("the link has more than {MAX_TASKS} tasks")));
            }
            let (name, spec) = parse_entry(entry).map_err(|why| {
                let shown: String = entry.chars().take(40).collect();
                invalid(format!("entry {} `{shown}`: {why}", i + 1))
            })?;
            scenario.tasks.push(spec_for(name, spec.0));
            scenario.states.push(spec.1);
        }
        // The coordinator's own checks: empty and duplicate names.
        Coordinator::new(scenario.tasks.clone()).map_err(|e| invalid(e.to_string()))?;
        Ok(scenario)
    }
}

fn invalid(why: String) -> Error {
    Error::Invalid(format!("share link: {why}"))
}

/// Characters escaped in a task name: separators of the hash format, `%`,
/// whitespace and controls.
const NAME_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'%')
    .add(b'&')
    .add(b'=')
    .add(b',')
    .add(b'#')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`');

fn parse_entry(entry: &str) -> Result<(String, (Stage, TaskState)), String> {
    let (name, rest) = entry.split_once('=').ok_or("expected name=stage,state")?;
    let name = percent_decode_str(name)
        .decode_utf8()
        .map_err(|_| "the name is not valid UTF-8".to_owned())?
        .into_owned();
    let (stage, state) = rest.split_once(',').ok_or("expected name=stage,state")?;
    let stage: Stage = stage.parse().map_err(|e: Error| e.to_string())?;
    let state = parse_state_token(state)?;
    Ok((name, (stage, state)))
}

/// `pending`, `running`, `dead`, `failed` (dead and failed), or
/// `pending+failed` / `running+failed` for the rarer reports.
pub fn state_token(state: TaskState) -> String {
    match (state.state, state.failed) {
        (Status::Dead, true) => "failed".to_owned(),
        (status, true) => format!("{status}+failed"),
        (status, false) => status.to_string(),
    }
}

fn parse_state_token(token: &str) -> Result<TaskState, String> {
    if token == "failed" {
        return Ok(TaskState::failed());
    }
    let (status, failed) = match token.strip_suffix("+failed") {
        Some(status) => (status, true),
        None => (token, false),
    };
    let status: Status = status.parse().map_err(|e: Error| e.to_string())?;
    Ok(TaskState::new(status, failed))
}

/// The canonical lifecycle block of a stage.
pub fn lifecycle_for(stage: Stage) -> Option<Lifecycle> {
    let (hook, sidecar) = match stage {
        Stage::Main => return None,
        Stage::PrestartEphemeral => (Hook::Prestart, false),
        Stage::PrestartSidecar => (Hook::Prestart, true),
        Stage::PoststartEphemeral => (Hook::Poststart, false),
        Stage::PoststartSidecar => (Hook::Poststart, true),
        Stage::Poststop => (Hook::Poststop, false),
    };
    Some(Lifecycle { hook, sidecar })
}

fn spec_for(name: impl Into<String>, stage: Stage) -> TaskSpec {
    TaskSpec::new(name, lifecycle_for(stage))
}

/// A ready-made scenario the playground offers.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    /// What the preset shows, in one sentence.
    pub about: &'static str,
    pub tasks: &'static [(&'static str, Stage)],
}

impl Preset {
    /// The preset's tasks, all pending.
    pub fn scenario(&self) -> Scenario {
        Scenario::pending(self.tasks.iter().copied())
    }

    /// The preset with this id.
    pub fn find(id: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.id == id)
    }
}

use Stage::{
    Main, PoststartEphemeral, PoststartSidecar, Poststop, PrestartEphemeral, PrestartSidecar,
};

/// The presets, the default (`full`) first.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "full",
        title: "Every hook",
        about: "An init task, a proxy sidecar, two main tasks, a warm-up, a log shipper and a cleanup: every gate at work.",
        tasks: &[
            ("init", PrestartEphemeral),
            ("proxy", PrestartSidecar),
            ("web", Main),
            ("api", Main),
            ("warm-cache", PoststartEphemeral),
            ("log-shipper", PoststartSidecar),
            ("cleanup", Poststop),
        ],
    },
    Preset {
        id: "main-only",
        title: "Only a main task",
        about: "No lifecycle block at all: the main gate opens as soon as the task is pending.",
        tasks: &[("web", Main)],
    },
    Preset {
        id: "init",
        title: "Prestart init + main",
        about: "A migration must exit successfully before the main task may start.",
        tasks: &[("migrate", PrestartEphemeral), ("web", Main)],
    },
    Preset {
        id: "service-mesh",
        title: "Sidecar proxy + main",
        about: "Service-mesh style: the proxy sidecar must be running before the main task starts, and keeps running beside it.",
        tasks: &[("connect-proxy", PrestartSidecar), ("web", Main)],
    },
    Preset {
        id: "poststart",
        title: "Main + poststart tasks",
        about: "A log shipper sidecar and a cache warm-up start once the main task has started.",
        tasks: &[
            ("web", Main),
            ("log-shipper", PoststartSidecar),
            ("warm-cache", PoststartEphemeral),
        ],
    },
    Preset {
        id: "poststop",
        title: "Main + poststop cleanup",
        about: "The cleanup task waits until every other task is dead.",
        tasks: &[("batch", Main), ("cleanup", Poststop)],
    },
];

/// The preset shown by default, and instead of a bad share link.
pub fn default_preset() -> &'static Preset {
    &PRESETS[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_valid_group_with_a_unique_id() {
        assert!(PRESETS.len() >= 5);
        for preset in PRESETS {
            let scenario = preset.scenario();
            assert!(
                Coordinator::new(scenario.tasks.clone()).is_ok(),
                "{}",
                preset.id
            );
            assert!(scenario.all_pending());
            assert_eq!(Preset::find(preset.id).map(|p| p.id), Some(preset.id));
            for (name, stage) in preset.tasks {
                assert_eq!(spec_for(*name, *stage).stage(), *stage);
            }
        }
        assert_eq!(default_preset().id, "full");
    }

    #[test]
    fn hash_round_trips() {
        let mut scenario = default_preset().scenario();
        scenario.states[0] = TaskState::failed();
        scenario.states[1] = TaskState::running();
        scenario.states[2] = TaskState::new(Status::Running, true);
        scenario.tasks[3].name = "api & co, 100% = ünïcode #1 <b>".into();
        let hash = scenario.to_hash();
        assert!(hash.starts_with("init=prestart-ephemeral,failed&proxy=prestart-sidecar,running&"));
        assert!(!hash.contains(' ') && !hash.contains('<'), "{hash}");
        assert_eq!(Scenario::from_hash(&format!("#{hash}")).unwrap(), scenario);
    }

    #[test]
    fn bad_hashes_are_refused_with_the_entry_named() {
        let cases = [
            ("", "names no task"),
            ("#web", "entry 1 `web`: expected name=stage,state"),
            ("web=main", "expected name=stage,state"),
            (
                "web=main,running&db=sideways,dead",
                "entry 2 `db=sideways,dead`: unknown stage `sideways`",
            ),
            ("web=main,asleep", "unknown task state `asleep`"),
            (
                "web=main,running&web=main,dead",
                "duplicate task name `web`",
            ),
            ("=main,running", "empty name"),
            ("%FF%FE=main,running", "not valid UTF-8"),
            (
                "<script>alert(1)</script>=main,running,",
                "unknown task state `running,`",
            ),
        ];
        for (hash, want) in cases {
            let err = Scenario::from_hash(hash).unwrap_err().to_string();
            assert!(err.starts_with("share link: "), "{err}");
            assert!(err.contains(want), "{hash}: {err}");
        }
        let long = "a".repeat(MAX_HASH_LEN + 1);
        assert!(Scenario::from_hash(&long)
            .unwrap_err()
            .to_string()
            .contains("too long"));
        let many: Vec<String> = (0..=MAX_TASKS)
            .map(|i| format!("t{i}=main,pending"))
            .collect();
        assert!(Scenario::from_hash(&many.join("&"))
            .unwrap_err()
            .to_string()
            .contains("more than 64 tasks"));
    }
}
