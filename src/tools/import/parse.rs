//! The parsers: a jobspec (HCL, parsed with hcl-rs, or JSON as `nomad job
//! inspect` prints it and the API serves it) and an allocation's JSON.
//!
//! HCL is read with hcl-rs's parser (`hcl::edit`) and walked as parsed,
//! without converting it into hcl-rs's value types: the importer's wasm
//! stays smaller that way.

use std::collections::BTreeMap;

use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, Body};
use serde::Deserialize;

use super::{ImportedAllocation, ImportedGroup, ImportedJob, ImportedTask};
use crate::error::Error;
use crate::model::{Hook, Lifecycle, TaskSpec, TaskState};

fn invalid(why: impl Into<String>) -> Error {
    Error::invalid("jobspec", why)
}

/// Reads a jobspec: JSON if it starts with `{`, HCL otherwise.
pub fn jobspec(text: &str) -> Result<ImportedJob, Error> {
    let job = if text.trim_start().starts_with('{') {
        json_job(text)?
    } else {
        hcl_job(text)?
    };
    if job.groups.is_empty() {
        return Err(invalid(format!("job `{}` has no task group", job.name)));
    }
    for group in &job.groups {
        if group.tasks.is_empty() {
            return Err(invalid(format!("group `{}` has no task", group.name)));
        }
    }
    Ok(job)
}

// ---------------------------------------------------------------- JSON

/// `nomad job inspect` wraps the job in `{"Job": …}`; the API serves it bare.
/// One struct reads both, in one pass.
#[derive(Deserialize)]
struct JsonTop {
    #[serde(rename = "Job", default)]
    job: Option<JsonJob>,
    #[serde(flatten)]
    bare: JsonJob,
}

#[derive(Deserialize)]
struct JsonJob {
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(rename = "TaskGroups", default)]
    groups: Option<Vec<JsonGroup>>,
}

#[derive(Deserialize)]
struct JsonGroup {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Tasks", default)]
    tasks: Option<Vec<JsonTask>>,
}

#[derive(Deserialize)]
struct JsonTask {
    #[serde(flatten)]
    spec: TaskSpec,
    #[serde(rename = "Leader", default)]
    leader: Option<bool>,
}

fn json_job(text: &str) -> Result<ImportedJob, Error> {
    let top: JsonTop = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            Error::syntax("jobspec", format!("JSON syntax error: {e}"))
        } else {
            invalid(format!("not a Nomad job: {e}"))
        }
    })?;
    let job = top.job.unwrap_or(top.bare);
    if job.groups.is_none() {
        return Err(invalid("not a Nomad job: no `TaskGroups`"));
    }
    Ok(ImportedJob {
        name: job.name.or(job.id).unwrap_or_default(),
        groups: job
            .groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| ImportedGroup {
                name: g.name,
                tasks: g
                    .tasks
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| ImportedTask {
                        spec: t.spec,
                        leader: t.leader.unwrap_or(false),
                    })
                    .collect(),
            })
            .collect(),
        notes: Vec::new(),
    })
}

// ---------------------------------------------------------------- HCL

fn hcl_job(text: &str) -> Result<ImportedJob, Error> {
    let body: Body = hcl::edit::parser::parse_body(text).map_err(|p| {
        Error::syntax(
            "jobspec",
            format!(
                "HCL syntax error at line {}, column {}: {}",
                p.location().line(),
                p.location().column(),
                p.message()
            ),
        )
    })?;
    let mut notes = Vec::new();
    let mut jobs = body.get_blocks("job");
    let job = jobs.next().ok_or_else(|| invalid("no `job` block found"))?;
    if jobs.next().is_some() {
        notes.push("more than one `job` block: only the first is imported".into());
    }
    for block in body.blocks().filter(|b| !b.has_ident("job")) {
        notes.push(format!("`{}` block ignored", block.ident.as_str()));
    }
    let name = label(job).unwrap_or_default();
    let mut groups = Vec::new();
    for block in job.body.blocks() {
        match block.ident.as_str() {
            "group" => groups.push(hcl_group(block, &mut notes)?),
            "dynamic" => notes.push(format!("job `{name}`: `dynamic` block ignored")),
            _ => {}
        }
    }
    Ok(ImportedJob {
        name,
        groups,
        notes,
    })
}

fn label(block: &Block) -> Option<String> {
    block.labels.first().map(|l| l.as_str().to_owned())
}

fn hcl_group(block: &Block, notes: &mut Vec<String>) -> Result<ImportedGroup, Error> {
    let name = label(block).ok_or_else(|| invalid("a `group` block has no name"))?;
    let mut tasks = Vec::new();
    for task in block.body.blocks() {
        match task.ident.as_str() {
            "task" => tasks.push(hcl_task(task, &name, notes)?),
            "dynamic" => notes.push(format!("group `{name}`: `dynamic` block ignored")),
            _ => {}
        }
    }
    Ok(ImportedGroup { name, tasks })
}

fn hcl_task(block: &Block, group: &str, notes: &mut Vec<String>) -> Result<ImportedTask, Error> {
    let name = label(block)
        .ok_or_else(|| invalid(format!("group `{group}`: a `task` block has no name")))?;
    let leader = match attribute(&block.body, "leader") {
        None => false,
        Some(Expression::Bool(b)) => *b.value(),
        Some(_) => {
            notes.push(format!(
                "task `{name}`: `leader` is not a plain boolean; taken as false"
            ));
            false
        }
    };
    let mut lifecycle = None;
    if let Some(block) = block.body.get_blocks("lifecycle").next() {
        let hook = match attribute(&block.body, "hook") {
            None => Hook::Empty,
            Some(Expression::String(s)) => s
                .value()
                .parse::<Hook>()
                .map_err(|e| invalid(format!("task `{name}`: {e}")))?,
            Some(_) => {
                notes.push(format!(
                    "task `{name}`: `hook` is not a plain string; imported as a main task"
                ));
                Hook::Empty
            }
        };
        let sidecar = match attribute(&block.body, "sidecar") {
            None => false,
            Some(Expression::Bool(b)) => *b.value(),
            Some(_) => {
                notes.push(format!(
                    "task `{name}`: `sidecar` is not a plain boolean; taken as false"
                ));
                false
            }
        };
        lifecycle = Some(Lifecycle { hook, sidecar });
    }
    Ok(ImportedTask {
        spec: TaskSpec::new(name, lifecycle),
        leader,
    })
}

fn attribute<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.get_attribute(key).map(|a| &a.value)
}

// ---------------------------------------------------------------- allocation

#[derive(Deserialize)]
struct JsonAllocation {
    #[serde(rename = "TaskGroup", default)]
    group: Option<String>,
    #[serde(rename = "TaskStates")]
    states: Option<BTreeMap<String, TaskState>>,
}

/// Reads an allocation's JSON (`/v1/allocation/:id` or `nomad alloc status -json`).
pub fn allocation(text: &str) -> Result<ImportedAllocation, Error> {
    let alloc: JsonAllocation = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            Error::syntax("allocation", format!("JSON syntax error: {e}"))
        } else {
            Error::invalid("allocation", format!("not a Nomad allocation: {e}"))
        }
    })?;
    let states = alloc.states.ok_or_else(|| {
        Error::invalid(
            "allocation",
            "not a Nomad allocation: no `TaskStates` (has the allocation started?)",
        )
    })?;
    Ok(ImportedAllocation {
        group: alloc.group,
        states: states.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stage;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn stages(group: &ImportedGroup) -> Vec<(&str, Stage)> {
        group
            .tasks
            .iter()
            .map(|t| (t.spec.name.as_str(), t.spec.stage()))
            .collect()
    }

    #[test]
    fn service_with_a_proxy_and_an_init_task() {
        let job = jobspec(&fixture("service-mesh.nomad.hcl")).unwrap();
        assert_eq!(job.name, "web");
        assert_eq!(job.groups.len(), 1);
        assert_eq!(
            stages(&job.groups[0]),
            [
                ("migrate", Stage::PrestartEphemeral),
                ("connect-proxy", Stage::PrestartSidecar),
                ("web", Stage::Main)
            ]
        );
        assert!(job.groups[0].tasks[2].leader);
        assert_eq!(job.notes, ["`variable` block ignored"]);
    }

    #[test]
    fn batch_job_with_poststart_and_poststop() {
        let job = jobspec(&fixture("batch.nomad.hcl")).unwrap();
        assert_eq!(
            stages(&job.groups[0]),
            [
                ("report", Stage::Main),
                ("notify", Stage::PoststartEphemeral),
                ("upload-results", Stage::Poststop)
            ]
        );
    }

    #[test]
    fn every_hook_in_two_groups_and_as_json() {
        let hcl = jobspec(&fixture("every-hook.nomad.hcl")).unwrap();
        assert_eq!(
            hcl.groups
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>(),
            ["app", "cache"]
        );
        let all: Vec<Stage> = hcl.groups[0].tasks.iter().map(|t| t.spec.stage()).collect();
        assert_eq!(all, Stage::ALL);
        assert!(
            hcl.notes
                .iter()
                .any(|n| n.contains("`dynamic` block ignored")),
            "{:?}",
            hcl.notes
        );
        assert!(hcl
            .notes
            .iter()
            .any(|n| n.contains("task `templated`: `hook` is not a plain string")));
        let json = jobspec(&fixture("every-hook.inspect.json")).unwrap();
        assert_eq!(stages(&json.groups[0]), stages(&hcl.groups[0]));
        assert!(json.groups[0].tasks.iter().any(|t| t.leader));
    }

    #[test]
    fn allocation_task_states() {
        let alloc = allocation(&fixture("allocation.json")).unwrap();
        assert_eq!(alloc.group.as_deref(), Some("app"));
        let state = |name: &str| {
            alloc
                .states
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, s)| *s)
        };
        assert_eq!(state("init"), Some(TaskState::dead()));
        assert_eq!(state("proxy"), Some(TaskState::running()));
        assert_eq!(state("warm-up"), Some(TaskState::failed()));
    }

    #[test]
    fn malformed_input_is_refused_with_where_and_why() {
        for (text, line) in [
            ("job \"x\" {\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\n", 4),
            ("job \"x\" {\n  group \"g\" {\n    task \"t\" {\n  }\n", 4),
            ("job \"x\" {\n  group \"g\" {\n    task \"t\" {\n      lifecycle {\n        hook = \n      }\n", 5),
        ] {
            let err = jobspec(text).unwrap_err().to_string();
            assert!(err.starts_with(&format!("HCL syntax error at line {line}, column")), "{err}");
        }
        let err = jobspec("job \"x\" {\n group \"g\" {\n task \"t\" {\n lifecycle { hook = \"prestop\" }\n }\n }\n }").unwrap_err();
        assert!(
            err.to_string().contains("task `t`: unknown hook `prestop`"),
            "{err}"
        );
        assert!(jobspec("variable \"x\" {}")
            .unwrap_err()
            .to_string()
            .contains("no `job` block"));
        assert!(jobspec("job \"x\" { datacenters = [\"dc1\"] }")
            .unwrap_err()
            .to_string()
            .contains("no task group"));
        assert!(jobspec("{\"Job\": {\"Name\": 3}}")
            .unwrap_err()
            .to_string()
            .starts_with("not a Nomad job"));
        assert!(jobspec("{\"ID\": \"x\"")
            .unwrap_err()
            .to_string()
            .starts_with("JSON syntax error"));
        assert!(jobspec("{\"Name\": \"x\"}")
            .unwrap_err()
            .to_string()
            .contains("no `TaskGroups`"));
        assert!(allocation("{\"ID\": \"a\"}")
            .unwrap_err()
            .to_string()
            .contains("no `TaskStates`"));
        assert!(allocation("[")
            .unwrap_err()
            .to_string()
            .starts_with("JSON syntax error"));
        assert!(
            allocation("{\"TaskStates\": {\"t\": {\"State\": \"lost\"}}}")
                .unwrap_err()
                .to_string()
                .contains("unknown task state `lost`")
        );
    }
}
