//! The parsers: a jobspec (HCL, parsed with hcl-rs; JSON as `nomad job
//! inspect` prints it and the API serves it; or HCL's own JSON form, which
//! `nomad job run` reads from a `.json` file) and an allocation's JSON.
//!
//! Where Nomad's jobspec parser and API differ from a plain reading, this
//! follows Nomad: a `task` written directly in `job` becomes a group of its
//! own; the job's `name` attribute wins over its label; API JSON keys match
//! case-insensitively, as Go's decoder matches them; duplicate group or task
//! names and two `lifecycle` blocks in a task are errors, as Nomad refuses them.
//!
//! HCL is read with hcl-rs's parser (`hcl::edit`) and walked as parsed,
//! without converting it into hcl-rs's value types: the importer's wasm
//! stays smaller that way.

use std::collections::{BTreeMap, HashMap};

use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, Body};
use hcl::edit::Span;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{
    check_size, ImportedAllocation, ImportedGroup, ImportedJob, ImportedTask, RestartBlock,
    NEEDS_A_TASK,
};
use crate::error::Error;
use crate::model::{Hook, Lifecycle, TaskSpec, TaskState};
use crate::tools::sim::restarts::{parse_go_duration, JobType, Nanos, RestartMode};

fn invalid(why: impl Into<String>) -> Error {
    Error::invalid("jobspec", escape_controls(&why.into()))
}

/// Control characters from the input, made visible (`\u{1b}`) so an error
/// message never carries them to a terminal or a page.
fn escape_controls(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Reads a jobspec: JSON if it starts with `{`, HCL otherwise.
pub fn jobspec(text: &str) -> Result<ImportedJob, Error> {
    check_size("jobspec", text)?;
    let job = if text.trim_start().starts_with('{') {
        json_job(text)?
    } else {
        hcl_job(text)?
    };
    if job.groups.is_empty() {
        return Err(invalid(format!("job `{}` has no task group", job.name)));
    }
    // Nomad's job validation: names are unique, every group has a task.
    // (Each name is looked up once, so a 10,000-task group costs no more
    // than reading it.)
    let mut groups_seen = HashMap::with_capacity(job.groups.len());
    for (i, group) in job.groups.iter().enumerate() {
        if let Some(j) = groups_seen.insert(group.name.as_str(), i) {
            return Err(invalid(format!(
                "job `{}`: task group {} redefines `{}` from group {}",
                job.name,
                i + 1,
                group.name,
                j + 1
            )));
        }
        if group.tasks.is_empty() {
            return Err(invalid(format!(
                "group `{}` has no task: {NEEDS_A_TASK}",
                group.name
            )));
        }
        let mut tasks_seen = HashMap::with_capacity(group.tasks.len());
        for (k, task) in group.tasks.iter().enumerate() {
            let name = &task.spec.name;
            if let Some(j) = tasks_seen.insert(name.as_str(), k) {
                return Err(invalid(format!(
                    "group `{}`: task {} redefines `{name}` from task {}",
                    group.name,
                    k + 1,
                    j + 1
                )));
            }
        }
    }
    Ok(job)
}

fn job_type(text: &str) -> Result<JobType, Error> {
    text.parse().map_err(invalid)
}

fn restart_mode(text: &str, whose: &str) -> Result<RestartMode, Error> {
    text.parse()
        .map_err(|e: String| invalid(format!("{whose}: {e}")))
}

fn duration(text: &str, whose: &str, what: &str) -> Result<Nanos, Error> {
    parse_go_duration(text).map_err(|e| invalid(format!("{whose}: `{what}`: {e}")))
}

// ---------------------------------------------------------------- JSON

fn json_job(text: &str) -> Result<ImportedJob, Error> {
    let top: Value = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            Error::syntax(
                "jobspec",
                escape_controls(&format!("JSON syntax error: {e}")),
            )
        } else {
            invalid(format!("not a Nomad job: {e}"))
        }
    })?;
    let Value::Object(top) = top else {
        return Err(invalid("not a Nomad job: not a JSON object"));
    };
    if let Some(job) = top.get("job").filter(|j| is_hcl_json_job(j)) {
        return hcl_json_job(job);
    }
    // `nomad job inspect` wraps the job in `{"Job": …}`; the API serves it bare.
    let job = match get(&top, "Job") {
        Some(Value::Object(job)) => job,
        _ => &top,
    };
    api_job(job)
}

/// A key, matched case-insensitively as Go's `encoding/json` matches
/// struct fields (an exact match first).
fn get<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A field that, when present and not `null`, must have the shape `read` wants.
fn field<'a, T>(
    object: &'a Map<String, Value>,
    key: &str,
    whose: &str,
    want: &str,
    read: impl FnOnce(&'a Value) -> Option<T>,
) -> Result<Option<T>, Error> {
    match get(object, key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => read(v)
            .map(Some)
            .ok_or_else(|| invalid(format!("{whose}: `{key}` must be {want}"))),
    }
}

fn api_job(job: &Map<String, Value>) -> Result<ImportedJob, Error> {
    let name = field(job, "Name", "job", "a string", Value::as_str)?
        .or(field(job, "ID", "job", "a string", Value::as_str)?)
        .unwrap_or_default()
        .to_owned();
    let job_type = match field(job, "Type", "job", "a string", Value::as_str)? {
        Some(t) => self::job_type(t)?,
        None => JobType::Service,
    };
    let groups = match get(job, "TaskGroups") {
        Some(Value::Array(groups)) => groups,
        Some(_) => return Err(invalid("not a Nomad job: `TaskGroups` must be an array")),
        None => return Err(invalid("not a Nomad job: no `TaskGroups`")),
    };
    let groups = groups
        .iter()
        .enumerate()
        .map(|(i, g)| api_group(g, i))
        .collect::<Result<_, _>>()?;
    Ok(ImportedJob {
        name,
        job_type,
        groups,
        notes: Vec::new(),
    })
}

fn api_group(group: &Value, index: usize) -> Result<ImportedGroup, Error> {
    let whose = format!("task group #{}", index + 1);
    let group = group
        .as_object()
        .ok_or_else(|| invalid(format!("{whose} must be an object")))?;
    let name = field(group, "Name", &whose, "a string", Value::as_str)?
        .ok_or_else(|| invalid(format!("{whose} has no `Name`")))?
        .to_owned();
    let whose = format!("group `{name}`");
    let tasks = match get(group, "Tasks") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(tasks)) => tasks
            .iter()
            .enumerate()
            .map(|(i, t)| api_task(t, &name, i))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid(format!("{whose}: `Tasks` must be an array"))),
    };
    let restart = api_restart(group, &whose)?;
    let max_run_duration = field(
        group,
        "MaxRunDuration",
        &whose,
        "a number of nanoseconds",
        Value::as_u64,
    )?;
    Ok(ImportedGroup {
        name,
        tasks,
        restart,
        max_run_duration,
    })
}

fn api_task(task: &Value, group: &str, index: usize) -> Result<ImportedTask, Error> {
    let whose = format!("group `{group}`: task #{}", index + 1);
    let task = task
        .as_object()
        .ok_or_else(|| invalid(format!("{whose} must be an object")))?;
    let name = field(task, "Name", &whose, "a string", Value::as_str)?
        .ok_or_else(|| invalid(format!("{whose} has no `Name`")))?
        .to_owned();
    let whose = format!("task `{name}`");
    let lifecycle = match field(task, "Lifecycle", &whose, "an object", Value::as_object)? {
        None => None,
        Some(l) => {
            let hook = match field(l, "Hook", &whose, "a string", Value::as_str)? {
                None => Hook::Empty,
                Some(h) => h
                    .parse::<Hook>()
                    .map_err(|e| invalid(format!("{whose}: {e}")))?,
            };
            let sidecar =
                field(l, "Sidecar", &whose, "a boolean", Value::as_bool)?.unwrap_or(false);
            Some(Lifecycle { hook, sidecar })
        }
    };
    let leader = field(task, "Leader", &whose, "a boolean", Value::as_bool)?.unwrap_or(false);
    let kill_timeout = field(
        task,
        "KillTimeout",
        &whose,
        "a number of nanoseconds",
        Value::as_u64,
    )?;
    let restart = api_restart(task, &whose)?;
    Ok(ImportedTask {
        spec: TaskSpec::new(name, lifecycle),
        leader,
        kill_timeout,
        restart,
    })
}

/// `RestartPolicy` in API JSON: durations in nanoseconds.
fn api_restart(owner: &Map<String, Value>, whose: &str) -> Result<Option<RestartBlock>, Error> {
    let Some(policy) = field(owner, "RestartPolicy", whose, "an object", Value::as_object)? else {
        return Ok(None);
    };
    let attempts = field(policy, "Attempts", whose, "a count", |v| {
        v.as_u64().and_then(|n| u32::try_from(n).ok())
    })?;
    let ns = |key| field(policy, key, whose, "a number of nanoseconds", Value::as_u64);
    let mode = match field(policy, "Mode", whose, "a string", Value::as_str)? {
        Some(m) => Some(restart_mode(m, whose)?),
        None => None,
    };
    Ok(Some(RestartBlock {
        attempts,
        interval: ns("Interval")?,
        delay: ns("Delay")?,
        mode,
    }))
}

// ------------------------------------------------------- HCL's JSON form

/// `{"job": {"<name>": {…}}}`: HCL's JSON syntax, blocks keyed by label
/// (a job's value holds its body under its name, not API fields).
fn is_hcl_json_job(job: &Value) -> bool {
    let api_keys = ["TaskGroups", "Name", "ID", "Type"];
    match job {
        Value::Array(_) => true,
        Value::Object(o) => o
            .keys()
            .all(|k| !api_keys.iter().any(|a| a.eq_ignore_ascii_case(k))),
        _ => false,
    }
}

/// A block's body in HCL's JSON form: its attributes and nested blocks.
type JsonBody = Map<String, Value>;

/// A block's instances in HCL's JSON form: `{"label": body}` or a list of
/// those; each with its label.
fn labelled<'a>(value: &'a Value, what: &str) -> Result<Vec<(&'a str, &'a JsonBody)>, Error> {
    let mut out = Vec::new();
    let objects: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for object in objects {
        let object = object
            .as_object()
            .ok_or_else(|| invalid(format!("`{what}` must be an object keyed by name")))?;
        for (label, body) in object {
            let body = body
                .as_object()
                .ok_or_else(|| invalid(format!("{what} `{label}` must be an object")))?;
            out.push((label.as_str(), body));
        }
    }
    Ok(out)
}

/// An unlabelled block in HCL's JSON form: an object, or a list of them
/// (two are an error where Nomad allows one).
fn single<'a>(value: &'a Value, what: &str, whose: &str) -> Result<&'a Map<String, Value>, Error> {
    match value {
        Value::Object(o) => Ok(o),
        Value::Array(items) if items.len() == 1 => items[0]
            .as_object()
            .ok_or_else(|| invalid(format!("{whose}: `{what}` must be an object"))),
        Value::Array(_) => Err(invalid(format!(
            "{whose}: only one `{what}` block is allowed"
        ))),
        _ => Err(invalid(format!("{whose}: `{what}` must be an object"))),
    }
}

fn hcl_json_job(job: &Value) -> Result<ImportedJob, Error> {
    let jobs = labelled(job, "job")?;
    let Some(&(label, body)) = jobs.first() else {
        return Err(invalid("no `job` block found"));
    };
    let mut notes = Vec::new();
    if jobs.len() > 1 {
        notes.push("more than one `job` block: only the first is imported".into());
    }
    let name = match body.get("name") {
        Some(Value::String(n)) => n.clone(),
        _ => label.to_owned(),
    };
    let job_type = match body.get("type") {
        None => JobType::Service,
        Some(Value::String(t)) => self::job_type(t)?,
        Some(_) => return Err(invalid(format!("job `{name}`: `type` must be a string"))),
    };
    let mut groups = Vec::new();
    // A task written directly in the job is a group of its own, first.
    if let Some(tasks) = body.get("task") {
        for (task, task_body) in labelled(tasks, "task")? {
            groups.push(ImportedGroup {
                name: task.to_owned(),
                tasks: vec![hcl_json_task(task, task_body)?],
                restart: None,
                max_run_duration: None,
            });
        }
    }
    if let Some(list) = body.get("group") {
        for (group, group_body) in labelled(list, "group")? {
            let mut tasks = Vec::new();
            if let Some(list) = group_body.get("task") {
                for (task, task_body) in labelled(list, "task")? {
                    tasks.push(hcl_json_task(task, task_body)?);
                }
            }
            let whose = format!("group `{group}`");
            let restart = match group_body.get("restart") {
                Some(r) => Some(hcl_json_restart(single(r, "restart", &whose)?, &whose)?),
                None => None,
            };
            let max_run_duration = match group_body.get("max_run_duration") {
                None => None,
                Some(Value::String(d)) => Some(duration(d, &whose, "max_run_duration")?),
                Some(_) => {
                    return Err(invalid(format!(
                        "{whose}: `max_run_duration` must be a duration string"
                    )))
                }
            };
            groups.push(ImportedGroup {
                name: group.to_owned(),
                tasks,
                restart,
                max_run_duration,
            });
        }
    }
    Ok(ImportedJob {
        name,
        job_type,
        groups,
        notes,
    })
}

fn hcl_json_task(name: &str, body: &Map<String, Value>) -> Result<ImportedTask, Error> {
    let whose = format!("task `{name}`");
    let lifecycle = match body.get("lifecycle") {
        None => None,
        Some(l) => {
            let l = single(l, "lifecycle", &whose)?;
            let hook = match l.get("hook") {
                None => Hook::Empty,
                Some(Value::String(h)) if h.contains("${") => {
                    return Err(invalid(format!(
                        "{whose}: `hook` is an expression ({h}); the importer reads only a plain string"
                    )))
                }
                Some(Value::String(h)) => h.parse::<Hook>().map_err(|e| invalid(format!("{whose}: {e}")))?,
                Some(_) => return Err(invalid(format!("{whose}: `hook` must be a string"))),
            };
            let sidecar = match l.get("sidecar") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(invalid(format!("{whose}: `sidecar` must be a boolean"))),
            };
            Some(Lifecycle { hook, sidecar })
        }
    };
    let leader = match body.get("leader") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid(format!("{whose}: `leader` must be a boolean"))),
    };
    let kill_timeout = match body.get("kill_timeout") {
        None => None,
        Some(Value::String(d)) => Some(duration(d, &whose, "kill_timeout")?),
        Some(_) => {
            return Err(invalid(format!(
                "{whose}: `kill_timeout` must be a duration string"
            )))
        }
    };
    let restart = match body.get("restart") {
        Some(r) => Some(hcl_json_restart(single(r, "restart", &whose)?, &whose)?),
        None => None,
    };
    Ok(ImportedTask {
        spec: TaskSpec::new(name, lifecycle),
        leader,
        kill_timeout,
        restart,
    })
}

fn hcl_json_restart(block: &Map<String, Value>, whose: &str) -> Result<RestartBlock, Error> {
    let text = |key: &str| -> Result<Option<&str>, Error> {
        match block.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(format!(
                "{whose}: restart `{key}` must be a string"
            ))),
        }
    };
    let attempts = match block.get("attempts") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| invalid(format!("{whose}: restart `attempts` must be a count")))?,
        ),
    };
    Ok(RestartBlock {
        attempts,
        interval: text("interval")?
            .map(|d| duration(d, whose, "interval"))
            .transpose()?,
        delay: text("delay")?
            .map(|d| duration(d, whose, "delay"))
            .transpose()?,
        mode: text("mode")?.map(|m| restart_mode(m, whose)).transpose()?,
    })
}

// ---------------------------------------------------------------- HCL

/// The line of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// Where an expression is, for an error: " at line N", or nothing when unknown.
fn at_line(text: &str, expr: &Expression) -> String {
    expr.span()
        .map(|s| format!(" at line {}", line_of(text, s.start)))
        .unwrap_or_default()
}

fn hcl_job(text: &str) -> Result<ImportedJob, Error> {
    let body: Body = hcl::edit::parser::parse_body(text).map_err(|p| {
        Error::syntax(
            "jobspec",
            escape_controls(&format!(
                "HCL syntax error at line {}, column {}: {}",
                p.location().line(),
                p.location().column(),
                p.message()
            )),
        )
    })?;
    let mut notes = Vec::new();
    let mut jobs = body.get_blocks("job");
    let job = jobs.next().ok_or_else(|| invalid("no `job` block found"))?;
    if jobs.next().is_some() {
        notes.push("more than one `job` block: only the first is imported".into());
    }
    // `variable` blocks only feed expressions; they don't touch the lifecycle.
    for block in body
        .blocks()
        .filter(|b| !b.has_ident("job") && !b.has_ident("variable"))
    {
        notes.push(format!("`{}` block ignored", block.ident.as_str()));
    }
    let name = match attribute(&job.body, "name") {
        Some(Expression::String(s)) => s.value().to_string(),
        _ => label(job).unwrap_or_default(),
    };
    let job_type = match attribute(&job.body, "type") {
        None => JobType::Service,
        Some(Expression::String(s)) => self::job_type(s.value())?,
        Some(e) => {
            return Err(invalid(format!(
                "job `{name}`: `type`{} is not a plain string",
                at_line(text, e)
            )))
        }
    };
    let mut groups = Vec::new();
    // A task written directly in the job is a group of its own, first (as
    // Nomad's jobspec parser normalizes it).
    for block in job.body.blocks().filter(|b| b.has_ident("task")) {
        let task = hcl_task(block, &name, text, &mut notes)?;
        groups.push(ImportedGroup {
            name: task.spec.name.clone(),
            tasks: vec![task],
            restart: None,
            max_run_duration: None,
        });
    }
    for block in job.body.blocks() {
        match block.ident.as_str() {
            "group" => groups.push(hcl_group(block, text, &mut notes)?),
            "dynamic" => notes.push(format!("job `{name}`: `dynamic` block ignored")),
            _ => {}
        }
    }
    Ok(ImportedJob {
        name,
        job_type,
        groups,
        notes,
    })
}

fn label(block: &Block) -> Option<String> {
    block.labels.first().map(|l| l.as_str().to_owned())
}

fn hcl_group(block: &Block, text: &str, notes: &mut Vec<String>) -> Result<ImportedGroup, Error> {
    let name = label(block).ok_or_else(|| invalid("a `group` block has no name"))?;
    let mut tasks = Vec::new();
    for task in block.body.blocks() {
        match task.ident.as_str() {
            "task" => tasks.push(hcl_task(task, &name, text, notes)?),
            "dynamic" => notes.push(format!("group `{name}`: `dynamic` block ignored")),
            _ => {}
        }
    }
    let whose = format!("group `{name}`");
    let restart = hcl_restart(&block.body, &whose, text)?;
    let max_run_duration = match attribute(&block.body, "max_run_duration") {
        None => None,
        Some(Expression::String(s)) => Some(duration(s.value(), &whose, "max_run_duration")?),
        Some(e) => {
            return Err(invalid(format!(
                "{whose}: `max_run_duration`{} is not a plain string",
                at_line(text, e)
            )))
        }
    };
    Ok(ImportedGroup {
        name,
        tasks,
        restart,
        max_run_duration,
    })
}

fn hcl_task(
    block: &Block,
    group: &str,
    text: &str,
    notes: &mut Vec<String>,
) -> Result<ImportedTask, Error> {
    let name = label(block)
        .ok_or_else(|| invalid(format!("group `{group}`: a `task` block has no name")))?;
    let whose = format!("task `{name}`");
    let leader = match attribute(&block.body, "leader") {
        None => false,
        Some(Expression::Bool(b)) => *b.value(),
        Some(_) => {
            notes.push(format!(
                "{whose}: `leader` is not a plain boolean; taken as false"
            ));
            false
        }
    };
    let kill_timeout = match attribute(&block.body, "kill_timeout") {
        None => None,
        Some(Expression::String(s)) => Some(duration(s.value(), &whose, "kill_timeout")?),
        Some(e) => {
            notes.push(format!(
                "{whose}: `kill_timeout`{} is not a plain string; Nomad's default (5s) used",
                at_line(text, e)
            ));
            None
        }
    };
    let mut lifecycles = block.body.get_blocks("lifecycle");
    let mut lifecycle = None;
    if let Some(block) = lifecycles.next() {
        if lifecycles.next().is_some() {
            return Err(invalid(format!(
                "{whose}: only one `lifecycle` block is allowed"
            )));
        }
        let hook = match attribute(&block.body, "hook") {
            None => Hook::Empty,
            Some(Expression::String(s)) => s
                .value()
                .parse::<Hook>()
                .map_err(|e| invalid(format!("{whose}: {e}")))?,
            Some(e) => {
                return Err(invalid(format!(
                    "{whose}: `hook`{} is an expression; the importer reads only a plain string (\"prestart\", \"poststart\" or \"poststop\")",
                    at_line(text, e)
                )))
            }
        };
        let sidecar = match attribute(&block.body, "sidecar") {
            None => false,
            Some(Expression::Bool(b)) => *b.value(),
            Some(_) => {
                notes.push(format!(
                    "{whose}: `sidecar` is not a plain boolean; taken as false"
                ));
                false
            }
        };
        lifecycle = Some(Lifecycle { hook, sidecar });
    }
    let restart = hcl_restart(&block.body, &whose, text)?;
    Ok(ImportedTask {
        spec: TaskSpec::new(name, lifecycle),
        leader,
        kill_timeout,
        restart,
    })
}

/// A `restart` block: attempts, and `interval`/`delay` as Go durations.
fn hcl_restart(body: &Body, whose: &str, text: &str) -> Result<Option<RestartBlock>, Error> {
    let mut blocks = body.get_blocks("restart");
    let Some(block) = blocks.next() else {
        return Ok(None);
    };
    if blocks.next().is_some() {
        return Err(invalid(format!(
            "{whose}: only one `restart` block is allowed"
        )));
    }
    let plain = |key: &str| -> Result<Option<String>, Error> {
        match attribute(&block.body, key) {
            None => Ok(None),
            Some(Expression::String(s)) => Ok(Some(s.value().to_string())),
            Some(e) => Err(invalid(format!(
                "{whose}: restart `{key}`{} is not a plain string",
                at_line(text, e)
            ))),
        }
    };
    let attempts = match attribute(&block.body, "attempts") {
        None => None,
        Some(Expression::Number(n)) => Some(
            n.value()
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| invalid(format!("{whose}: restart `attempts` must be a count")))?,
        ),
        Some(e) => {
            return Err(invalid(format!(
                "{whose}: restart `attempts`{} is not a plain number",
                at_line(text, e)
            )))
        }
    };
    Ok(Some(RestartBlock {
        attempts,
        interval: plain("interval")?
            .map(|d| duration(&d, whose, "interval"))
            .transpose()?,
        delay: plain("delay")?
            .map(|d| duration(&d, whose, "delay"))
            .transpose()?,
        mode: plain("mode")?
            .map(|m| restart_mode(&m, whose))
            .transpose()?,
    }))
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
    check_size("allocation", text)?;
    let alloc: JsonAllocation = serde_json::from_str(text).map_err(|e| {
        let message = escape_controls(&e.to_string());
        if e.is_syntax() || e.is_eof() {
            Error::syntax("allocation", format!("JSON syntax error: {message}"))
        } else {
            Error::invalid("allocation", format!("not a Nomad allocation: {message}"))
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
        assert!(
            job.notes.is_empty(),
            "`variable` blocks need no note: {:?}",
            job.notes
        );
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
        assert!(
            !hcl.notes.iter().any(|n| n.contains("locals"))
                || hcl.notes.contains(&"`locals` block ignored".to_owned())
        );
        let json = jobspec(&fixture("every-hook.inspect.json")).unwrap();
        assert_eq!(stages(&json.groups[0]), stages(&hcl.groups[0]));
        assert!(json.groups[0].tasks.iter().any(|t| t.leader));
    }

    #[test]
    fn restart_blocks_job_type_kill_timeout_and_leader_in_hcl_and_json() {
        use crate::tools::sim::restarts::{JobType, RestartMode, RestartPolicy};
        const S: u64 = 1_000_000_000;
        for file in [
            "restart-policies.nomad.hcl",
            "restart-policies.inspect.json",
        ] {
            let job = jobspec(&fixture(file)).unwrap();
            assert_eq!(
                job.name, "nightly-report",
                "{file}: the name attribute wins over the label"
            );
            assert_eq!(job.job_type, JobType::Batch, "{file}");
            let group = &job.groups[0];
            assert_eq!(group.max_run_duration, Some(7200 * S), "{file}");
            // Batch defaults (3 attempts in 24 h, 15 s, fail) under the group's block.
            let policy = group.restart_policy(job.job_type);
            assert_eq!(
                policy,
                RestartPolicy {
                    attempts: 1,
                    interval: 24 * 3600 * S,
                    delay: 5 * S,
                    mode: RestartMode::Fail
                },
                "{file}"
            );
            let fetch = &group.tasks[0];
            assert_eq!(
                fetch.restart_policy(policy),
                Some(RestartPolicy {
                    attempts: 5,
                    interval: 5400 * S,
                    delay: 5 * S,
                    mode: RestartMode::Delay
                }),
                "{file}"
            );
            let report = &group.tasks[1];
            assert!(
                report.leader,
                "{file}: `leader` matched case-insensitively in JSON"
            );
            assert_eq!(report.kill_timeout, Some(45 * S), "{file}");
            assert_eq!(
                report.restart_policy(policy),
                None,
                "{file}: no block of its own"
            );
        }
    }

    #[test]
    fn a_task_directly_in_the_job_is_its_own_group_in_hcl_and_hcls_json_form() {
        use crate::tools::sim::restarts::JobType;
        let hcl = jobspec(
            "job \"j\" {\n  task \"loner\" {\n    driver = \"exec\"\n  }\n  group \"g\" {\n    task \"t\" {}\n  }\n}\n",
        )
        .unwrap();
        let names: Vec<&str> = hcl.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["loner", "g"]);
        let json = jobspec(&fixture("task-in-job.nomad.json")).unwrap();
        assert_eq!(json.name, "standalone-job");
        assert_eq!(json.job_type, JobType::SysBatch);
        let names: Vec<&str> = json.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["loner", "pair"]);
        assert_eq!(json.groups[0].tasks[0].kill_timeout, Some(10_000_000_000));
        assert_eq!(
            stages(&json.groups[1]),
            [("setup", Stage::PrestartEphemeral), ("work", Stage::Main)]
        );
        assert!(json.groups[1].tasks[1].leader);
        assert_eq!(json.groups[1].restart_policy(json.job_type).attempts, 0);
    }

    #[test]
    fn what_nomad_refuses_is_refused() {
        let cases = [
            (
                "job \"j\" {\n group \"g\" {\n task \"a\" {}\n }\n group \"g\" {\n task \"b\" {}\n }\n}",
                "job `j`: task group 2 redefines `g` from group 1",
            ),
            (
                "job \"j\" {\n group \"g\" {\n task \"a\" {}\n task \"a\" {}\n }\n}",
                "group `g`: task 2 redefines `a` from task 1",
            ),
            (
                "job \"j\" {\n group \"g\" {\n task \"a\" {\n lifecycle { hook = \"prestart\" }\n lifecycle { hook = \"poststop\" }\n }\n }\n}",
                "task `a`: only one `lifecycle` block is allowed",
            ),
            ("job \"j\" {\n type = \"cron\"\n group \"g\" {\n task \"a\" {}\n }\n}", "job type `cron` is not one of"),
            (
                "job \"j\" {\n group \"g\" {\n task \"a\" {\n kill_timeout = \"5 seconds\"\n }\n }\n}",
                "task `a`: `kill_timeout`: unknown unit \" seconds\" in duration \"5 seconds\"",
            ),
            (
                "job \"j\" {\n group \"g\" {\n restart { mode = \"panic\" }\n task \"a\" {}\n }\n}",
                "group `g`: restart mode `panic` is not",
            ),
        ];
        for (text, want) in cases {
            let err = jobspec(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text}\n→ {err}");
        }
        let err = jobspec(&fixture("hook-expression.nomad.hcl"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("task `init`: `hook` at line 11 is an expression"),
            "{err}"
        );
        // Control characters in the input never reach a message as they are.
        let err = jobspec("job \"j\u{1b}[31m\" {\n}").unwrap_err().to_string();
        assert!(
            !err.contains('\u{1b}') && err.contains("\\u{1b}"),
            "{err:?}"
        );
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
        // The playground refuses to delete a group's last task in the same words.
        assert!(jobspec("job \"x\" {\n group \"g\" {}\n}")
            .unwrap_err()
            .to_string()
            .contains("group `g` has no task: a task group needs at least one task"));
        assert!(jobspec("{\"Job\": {\"Name\": 3}}")
            .unwrap_err()
            .to_string()
            .contains("job: `Name` must be a string"));
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

    #[test]
    fn inputs_past_the_size_limit_are_refused_before_parsing() {
        use crate::limits::MAX_IMPORT_BYTES;
        let big = format!("job \"j\" {{}}\n#{}", "x".repeat(MAX_IMPORT_BYTES));
        let err = jobspec(&big).unwrap_err();
        assert!(matches!(
            err,
            Error::OutOfRange {
                input: "jobspec",
                ..
            }
        ));
        assert!(err.to_string().contains("at most 4194304 bytes"), "{err}");
        let err = allocation(&big).unwrap_err();
        assert!(matches!(
            err,
            Error::OutOfRange {
                input: "allocation",
                ..
            }
        ));
    }

    #[test]
    fn hcl_nested_past_the_parsers_bound_is_a_syntax_error() {
        let deep = format!(
            "job \"j\" {{ x = {}1{} }}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let err = jobspec(&deep).unwrap_err();
        assert!(matches!(err, Error::Syntax { .. }), "{err:?}");
        let deep = format!("{}{}", "job \"j\" {\n".repeat(10_000), "}".repeat(10_000));
        assert!(matches!(jobspec(&deep), Err(Error::Syntax { .. })));
        let deep = format!("{{\"Job\": {}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(jobspec(&deep), Err(Error::Syntax { .. })));
    }

    #[test]
    fn a_ten_thousand_task_group_is_read_in_one_pass() {
        let tasks: String = (0..10_000)
            .map(|i| format!("    task \"t{i}\" {{ driver = \"docker\" }}\n"))
            .collect();
        let job = jobspec(&format!(
            "job \"j\" {{\n  group \"g\" {{\n{tasks}  }}\n}}\n"
        ))
        .unwrap();
        assert_eq!(job.groups[0].tasks.len(), 10_000);
        let twice =
            format!("job \"j\" {{\n  group \"g\" {{\n{tasks}    task \"t9999\" {{}}\n  }}\n}}\n");
        let err = jobspec(&twice).unwrap_err().to_string();
        assert!(
            err.contains("task 10001 redefines `t9999` from task 10000"),
            "{err}"
        );
    }
}
