//! The share-link codec: a [`Scenario`] as a URL hash,
//! `name=stage,state&…` with names percent-encoded, and back. Reading is
//! bounded ([`MAX_HASH_LEN`], [`MAX_TASKS`]) and every error names the entry.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use super::Scenario;
use crate::error::Error;
use crate::model::{Stage, Status, TaskSpec, TaskState};
use crate::validate_tasks;

/// At most this many tasks in a shared link; a longer link is refused.
pub const MAX_TASKS: usize = 64;
/// At most this many characters of URL hash are read.
pub const MAX_HASH_LEN: usize = 8 * 1024;

impl Scenario {
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
            return Err(Error::out_of_range(
                "share link",
                format!(
                    "share link: the link is too long ({} characters, at most {MAX_HASH_LEN})",
                    hash.len()
                ),
            ));
        }
        if hash.is_empty() {
            return Err(syntax("the link names no task".into()));
        }
        let mut scenario = Scenario {
            tasks: Vec::new(),
            states: Vec::new(),
        };
        for (i, entry) in hash.split('&').enumerate() {
            if i == MAX_TASKS {
                return Err(Error::out_of_range(
                    "share link",
                    format!("share link: the link has more than {MAX_TASKS} tasks"),
                ));
            }
            let (name, spec) = parse_entry(entry).map_err(|why| {
                let shown: String = entry.chars().take(40).collect();
                syntax(format!("entry {} `{shown}`: {why}", i + 1))
            })?;
            scenario.tasks.push(TaskSpec::in_stage(name, spec.0));
            scenario.states.push(spec.1);
        }
        // The coordinator's own checks: empty and duplicate names.
        validate_tasks(&scenario.tasks)
            .map_err(|e| Error::invalid("share link", format!("share link: {e}")))?;
        Ok(scenario)
    }
}

fn syntax(why: String) -> Error {
    Error::syntax("share link", format!("share link: {why}"))
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
        (Status::Pending | Status::Running, true) => format!("{}+failed", state.state),
        _ => state.label().to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::scenario::default_preset;

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
